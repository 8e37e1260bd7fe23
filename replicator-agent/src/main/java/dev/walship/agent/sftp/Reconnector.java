package dev.walship.agent.sftp;

import dev.walship.toolkit.time.Backoff;
import dev.walship.toolkit.time.Sleeper;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's one connection, shared by all threads. Invariants: at most one connection is open at
 * a time; a thread that saw connection {@code c} fail replaces it only if it is still the current
 * one (so N threads that saw the same failure cause one reconnect, not N); connecting happens under
 * the lock, and other threads wait for its outcome. A reconnect makes up to {@code attempts}
 * attempts with {@link Backoff} waits between them (none before the first); permanent failures
 * (host key, authentication) end it at once.
 */
final class Reconnector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Reconnector.class);

  /** Makes one connection attempt. */
  @FunctionalInterface
  interface Attempt {
    Connection connect() throws SftpStoreException;
  }

  private final String location;
  private final Attempt attempt;
  private final Backoff backoff;
  private final int attempts;
  private final RandomGenerator random;
  private final Sleeper sleeper;
  private Connection current;
  private boolean closed;

  Reconnector(
      String location,
      Attempt attempt,
      Backoff backoff,
      int attempts,
      RandomGenerator random,
      Sleeper sleeper) {
    this.location = location;
    this.attempt = attempt;
    this.backoff = backoff;
    this.attempts = attempts;
    this.random = random;
    this.sleeper = sleeper;
  }

  /** The open connection, connecting first when there is none or it died. */
  synchronized Connection current() throws SftpStoreException, InterruptedIOException {
    ensureOpen();
    if (current != null && current.isOpen()) {
      return current;
    }
    if (current != null) {
      LOG.info("{}: connection #{} was lost; reconnecting", location, current.number());
      current.close();
      current = null;
    }
    current = connectWithBackoff();
    return current;
  }

  /**
   * Called by a thread whose operation failed on {@code failed}: drops it (if still current) and
   * returns a working connection.
   */
  synchronized Connection replace(Connection failed)
      throws SftpStoreException, InterruptedIOException {
    ensureOpen();
    if (current == failed && current != null) {
      LOG.info("{}: connection #{} failed; reconnecting", location, failed.number());
      current.close();
      current = null;
    }
    return current();
  }

  private Connection connectWithBackoff() throws SftpStoreException, InterruptedIOException {
    SftpStoreException last = null;
    for (int n = 1; n <= attempts; n++) {
      Duration wait = n == 1 ? Duration.ZERO : backoff.delay(n - 1, random);
      if (!wait.isZero()) {
        LOG.debug("{}: attempt {} of {} in {} ms", location, n, attempts, wait.toMillis());
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException(location + ": interrupted while waiting to reconnect");
        }
      }
      try {
        return attempt.connect();
      } catch (SftpStoreException e) {
        if (e.permanent()) {
          throw e;
        }
        LOG.info("{} (attempt {} of {})", e.getMessage(), n, attempts);
        last = e;
      }
    }
    throw last;
  }

  private void ensureOpen() throws SftpStoreException {
    if (closed) {
      throw new SftpStoreException(location + ": the store is closed", true, null);
    }
  }

  /** Drops {@code failed} if it is still current, without connecting (the next call will). */
  synchronized void discard(Connection failed) {
    if (current == failed && current != null) {
      current.close();
      current = null;
    }
  }

  /** The current connection without connecting, or null (for tests and logs). */
  synchronized Connection peek() {
    return current;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (current != null) {
      current.close();
      current = null;
    }
  }
}
