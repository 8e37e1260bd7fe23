package dev.walship.testing;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls a condition until it holds, for tests that wait on another process. */
public final class Await {
  private Await() {}

  /**
   * Waits until {@code condition} returns true, or fails with {@code what} after {@code timeout}.
   */
  public static void until(Duration timeout, String what, Callable<Boolean> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Throwable last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (Boolean.TRUE.equals(condition.call())) {
          return;
        }
      } catch (Exception e) {
        last = e;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
    throw new AssertionError("timed out after " + timeout + " waiting for " + what, last);
  }
}
