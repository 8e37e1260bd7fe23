package dev.walship.agent.ship;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with "equal jitter": attempt {@code n} (from 1) waits a uniformly random time
 * in {@code [d/2, d]} where {@code d = min(max, min * 2^(n-1))}. The jitter keeps many shippers that
 * failed together (one server down) from retrying in lockstep; the lower bound keeps the wait from
 * collapsing to zero.
 */
final class Backoff {
  private final long minMillis;
  private final long maxMillis;
  private final RandomGenerator random;
  private int attempt;

  Backoff(Duration min, Duration max, RandomGenerator random) {
    this.minMillis = min.toMillis();
    this.maxMillis = max.toMillis();
    this.random = random;
  }

  /** The wait before the next retry; each call counts one more failed attempt. */
  Duration next() {
    attempt++;
    long d = minMillis;
    for (int i = 1; i < attempt && d < maxMillis; i++) {
      d *= 2;
    }
    d = Math.min(d, maxMillis);
    long half = d / 2;
    return Duration.ofMillis(half + random.nextLong(d - half + 1));
  }

  /** Failed attempts since the last success. */
  int attempts() {
    return attempt;
  }

  /** A success: the next failure starts from {@code min} again. */
  void reset() {
    attempt = 0;
  }
}
