package dev.walship.agent.work;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded pool of daemon threads that {@link Job}s run on. Its size bounds how many jobs run at
 * once, not how many exist: a thousand idle databases are a thousand pending timers. Closing it
 * stops the threads; jobs should be stopped first.
 */
public final class Workers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Workers.class);

  private final ScheduledThreadPoolExecutor pool;

  private Workers(String name, int threads) {
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ScheduledThreadPoolExecutor(
            threads,
            r -> {
              Thread t = new Thread(r, name + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.setRemoveOnCancelPolicy(true);
    pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /**
   * A pool of {@code threads} threads named {@code name-1}, {@code name-2}, …
   *
   * @throws IllegalArgumentException when {@code threads < 1}
   */
  public static Workers start(String name, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException(name + ": threads must be at least 1, got " + threads);
    }
    return new Workers(name, threads);
  }

  /**
   * The capture pool's size: {@code min(max(2, 2 × cores), 16)} (capture blocks on SQLite and the
   * disk).
   */
  public static int defaultThreads() {
    return Math.min(Math.max(2, 2 * Runtime.getRuntime().availableProcessors()), 16);
  }

  /**
   * The shipping pool's size: 16 whatever the cores, since a shipper mostly waits for its replica's
   * replies (an SFTP upload is five round trips); at most 16 uploads in flight stays under
   * replica-server's {@code open-handles} (64) on a shared channel.
   */
  public static final int SHIP_THREADS = 16;

  /** The number of threads. */
  public int threads() {
    return pool.getCorePoolSize();
  }

  ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
    return pool.schedule(
        () -> {
          try {
            task.run();
          } catch (RuntimeException | Error e) {
            LOG.error("a job failed unexpectedly", e);
          }
        },
        Math.max(0, delayNanos),
        TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
