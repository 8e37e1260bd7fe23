package dev.walship.agent.replicate;

import dev.walship.agent.work.FileWatches;
import dev.walship.agent.work.Workers;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads every database of a {@link Replicator} shares: capture jobs, shipping jobs, one file
 * watcher, and the stops that run in the background (threads only while one runs).
 */
record Pools(Workers capture, Workers ship, FileWatches watches, ExecutorService stops) {
  /** Capture on {@code threads} threads, shipping on {@link Workers#SHIP_THREADS}. */
  static Pools start(int threads) throws IOException {
    FileWatches watches = FileWatches.start("walship-watch");
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor stops =
        new ThreadPoolExecutor(
            8,
            8,
            5,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "walship-stop-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    stops.allowCoreThreadTimeOut(true);
    return new Pools(
        Workers.start("walship-capture", threads),
        Workers.start("walship-ship", Math.max(threads, Workers.SHIP_THREADS)),
        watches,
        stops);
  }

  /** Waits (at most {@code timeout}) for the stops in the background, then stops every thread. */
  void close(Duration timeout) {
    stops.shutdown();
    try {
      stops.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stops.shutdownNow();
    watches.close();
    capture.close();
    ship.close();
  }
}
