package dev.walship.agent.restore;

import dev.walship.toolkit.time.Ticker;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of one restore: a line on {@code out} every {@code interval}, starting after the first
 * interval, so restores shorter than that print nothing.
 */
final class Progress implements AutoCloseable {
  private final PrintStream out;
  private final long totalBytes;
  private final int totalFiles;
  private final Ticker ticker;
  private final long startNanos;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicInteger files = new AtomicInteger();
  private volatile String phase = "downloading";
  private final ScheduledExecutorService timer;

  Progress(PrintStream out, Duration interval, Ticker ticker, long totalBytes, int totalFiles) {
    this.out = out;
    this.ticker = ticker;
    this.startNanos = ticker.read();
    this.totalBytes = totalBytes;
    this.totalFiles = totalFiles;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "restore-progress");
              t.setDaemon(true);
              return t;
            });
    long ms = interval.toMillis();
    timer.scheduleAtFixedRate(this::print, ms, ms, TimeUnit.MILLISECONDS);
  }

  void downloaded(long n) {
    bytes.addAndGet(n);
  }

  void fileDone() {
    files.incrementAndGet();
  }

  void phase(String what) {
    phase = what;
  }

  private void print() {
    out.printf(
        Locale.ROOT,
        "restore: %.1f of %.1f MB downloaded (%d/%d files), %s, %ds%n",
        bytes.get() / 1e6,
        totalBytes / 1e6,
        files.get(),
        totalFiles,
        phase,
        (ticker.read() - startNanos) / 1_000_000_000L);
    out.flush();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
