package dev.walship.server.fs;

import java.time.Duration;

/**
 * Counts handles open for writing across all sessions, so a shutdown can let in-flight writes
 * finish before it closes the sessions.
 */
public final class WriteTracker {
  private int open;

  synchronized void opened() {
    open++;
  }

  synchronized void closed() {
    open--;
    if (open == 0) {
      notifyAll();
    }
  }

  /** Handles open for writing right now. */
  public synchronized int open() {
    return open;
  }

  /** Waits until no handle is open for writing, or {@code timeout} passed; true when none is open. */
  public synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (open > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}
