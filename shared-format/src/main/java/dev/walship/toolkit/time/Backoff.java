package dev.walship.toolkit.time;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with "equal jitter", the one retry schedule of walship. Retry {@code n} (from
 * 1) has the ceiling {@code c = min(cap, first · 2^(n-1))} and waits a uniformly random time in
 * {@code [c/2, c]} (whole milliseconds). The jitter keeps many clients that failed together (one
 * server down) from retrying in lockstep; the lower bound keeps a wait from collapsing to zero.
 *
 * @param first the ceiling of the first retry
 * @param cap the largest ceiling
 */
public record Backoff(Duration first, Duration cap) {
  public Backoff {
    if (first.isNegative() || cap.compareTo(first) < 0) {
      throw new IllegalArgumentException(
          "backoff: need 0 <= first <= cap, got " + first + ", " + cap);
    }
  }

  /** The ceiling of retry {@code retry} (from 1), without jitter. */
  public Duration ceiling(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retries count from 1, got " + retry);
    }
    long c = first.toNanos();
    long max = cap.toNanos();
    for (int i = 1; i < retry && c < max; i++) {
      c *= 2;
    }
    return Duration.ofNanos(Math.min(c, max));
  }

  /**
   * The wait before retry {@code retry} (from 1): in {@code [ceiling/2, ceiling]}, drawn from
   * {@code random}.
   */
  public Duration delay(int retry, RandomGenerator random) {
    long c = ceiling(retry).toMillis();
    long half = c / 2;
    return Duration.ofMillis(half + random.nextLong(c - half + 1));
  }

  /** A counter of failed attempts that draws each wait from this schedule. */
  public Attempts attempts(RandomGenerator random) {
    return new Attempts(this, random);
  }

  /** Failed attempts since the last success, and the wait after each. Used by one thread. */
  public static final class Attempts {
    private final Backoff backoff;
    private final RandomGenerator random;
    private int failed;

    private Attempts(Backoff backoff, RandomGenerator random) {
      this.backoff = backoff;
      this.random = random;
    }

    /** One more failed attempt: the wait before the next one. */
    public Duration next() {
      failed++;
      return backoff.delay(failed, random);
    }

    /** Failed attempts since the last {@link #reset}. */
    public int count() {
      return failed;
    }

    /** A success: the next failure waits as the first one did. */
    public void reset() {
      failed = 0;
    }
  }
}
