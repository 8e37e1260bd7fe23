package dev.walship.agent.sftp;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Reconnect delays: exponential with "equal jitter". Before attempt {@code n} (n ≥ 2; the first
 * attempt does not wait) the ceiling is {@code min(max, base · 2^(n-2))}, and the delay is half the
 * ceiling plus a random part of the other half, so several agents that lost the same server do not
 * come back in lockstep, yet every wait is at least half the ceiling.
 *
 * @param base ceiling before the second attempt
 * @param max largest ceiling
 * @param attempts connection attempts per reconnect, the first included (≥ 1)
 */
public record Backoff(Duration base, Duration max, int attempts) {
  /** 0.25 s, 0.5 s, 1 s, 2 s between five attempts (about 2–4 s in all), at most 30 s. */
  static final Backoff DEFAULT = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(30), 5);

  public Backoff {
    if (base.isNegative() || max.compareTo(base) < 0 || attempts < 1) {
      throw new IllegalArgumentException(
          "backoff: need 0 <= base <= max and attempts >= 1, got " + base + ", " + max + ", " + attempts);
    }
  }

  /** The wait before attempt {@code attempt} (1-based); zero for the first. Uses {@code nextDouble()}. */
  public Duration delayBefore(int attempt, RandomGenerator random) {
    if (attempt <= 1) {
      return Duration.ZERO;
    }
    long ceiling = base.toNanos();
    for (int i = 2; i < attempt && ceiling < max.toNanos(); i++) {
      ceiling *= 2;
    }
    ceiling = Math.min(ceiling, max.toNanos());
    long half = ceiling / 2;
    return Duration.ofNanos(half + (long) (random.nextDouble() * (ceiling - half)));
  }
}
