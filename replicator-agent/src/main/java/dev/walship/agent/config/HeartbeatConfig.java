package dev.walship.agent.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * The top-level {@code heartbeat-url} and {@code heartbeat-interval} (Litestream v0.5's names): an
 * HTTP GET to {@code url} after replication succeeded, at most once per {@code interval}, for
 * dead-man's-switch monitors (healthchecks.io, Uptime Kuma, Cronitor, …).
 *
 * @param url an absolute {@code http://} or {@code https://} URL
 * @param interval positive; default {@link #DEFAULT_INTERVAL}
 */
public record HeartbeatConfig(URI url, Duration interval) {
  /** Litestream v0.5's default. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);

  public HeartbeatConfig {
    Objects.requireNonNull(url);
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("heartbeat-interval must be positive: " + interval);
    }
  }
}
