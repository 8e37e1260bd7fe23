package dev.walship.toolkit.time;

import java.time.Duration;

/**
 * The waits of a background loop that {@link #close()} cuts short: the loop calls {@link
 * #pause(Duration)} between rounds and ends when it answers false. Thread-safe.
 */
public final class Pauses implements AutoCloseable {
  private final Ticker ticker;
  private boolean closed;

  public Pauses(Ticker ticker) {
    this.ticker = ticker;
  }

  /**
   * Waits {@code d} by the ticker.
   *
   * @return true when the wait ran out; false when closed (before or during it) or interrupted
   */
  public synchronized boolean pause(Duration d) {
    long deadline = ticker.read() + d.toNanos();
    while (!closed) {
      long left = ticker.until(deadline);
      if (left <= 0) {
        return true;
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  /** Whether {@link #close()} was called. */
  public synchronized boolean closed() {
    return closed;
  }

  /** Ends every pause now and every later one at once. */
  @Override
  public synchronized void close() {
    closed = true;
    notifyAll();
  }
}
