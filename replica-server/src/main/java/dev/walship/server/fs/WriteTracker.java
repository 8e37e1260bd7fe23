package dev.walship.server.fs;

import dev.walship.toolkit.time.Ticker;
import java.io.IOException;
import java.time.Duration;

/**
 * Counts handles open for writing across all sessions, so a shutdown can let in-flight writes
 * finish before it closes the sessions.
 *
 * <p>A handle closed while an SFTP request is being handled ({@link #whileHandling}) counts as
 * closed only when that request is done, i.e. once its reply has been sent: a shutdown that sees
 * zero never cuts the reply to the client's last close.
 */
public final class WriteTracker {
  /** An SFTP request being handled. */
  public interface Request {
    void run() throws IOException;
  }

  private final ThreadLocal<int[]> deferred = new ThreadLocal<>();
  private final Ticker ticker;
  private int open;

  /**
   * @param ticker elapsed time, for {@link #awaitIdle}'s deadline
   */
  public WriteTracker(Ticker ticker) {
    this.ticker = ticker;
  }

  synchronized void opened() {
    open++;
  }

  void closed() {
    int[] later = deferred.get();
    if (later != null) {
      later[0]++;
    } else {
      release(1);
    }
  }

  /** Handles {@code request}; handles it closes count as closed once it returned. */
  public void whileHandling(Request request) throws IOException {
    int[] later = new int[1];
    deferred.set(later);
    try {
      request.run();
    } finally {
      deferred.remove();
      if (later[0] > 0) {
        release(later[0]);
      }
    }
  }

  private synchronized void release(int n) {
    open -= n;
    if (open == 0) {
      notifyAll();
    }
  }

  /** Handles open for writing right now. */
  public synchronized int open() {
    return open;
  }

  /**
   * Waits until no handle is open for writing, or {@code timeout} passed; true when none is open.
   */
  public synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = ticker.read() + timeout.toNanos();
    while (open > 0) {
      long left = ticker.until(deadline);
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}
