package dev.walship.server.config;

import java.time.Duration;

/**
 * Operational limits.
 *
 * @param sessionsPerUser concurrent SSH sessions one user may hold
 * @param openHandles open SFTP file and directory handles per session
 * @param idleTimeout a session with no traffic for this long is closed
 * @param shutdownGrace on SIGTERM, how long in-flight writes may take to finish
 */
public record Limits(
    int sessionsPerUser, int openHandles, Duration idleTimeout, Duration shutdownGrace) {
  /** The defaults docs/replica-server.md documents. */
  public static final Limits DEFAULTS =
      new Limits(10, 64, Duration.ofMinutes(10), Duration.ofSeconds(5));

  public Limits {
    if (sessionsPerUser < 1) {
      throw new IllegalArgumentException("sessions-per-user must be at least 1, got " + sessionsPerUser);
    }
    if (openHandles < 1) {
      throw new IllegalArgumentException("open-handles must be at least 1, got " + openHandles);
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idle-timeout must be positive, got " + idleTimeout);
    }
    if (shutdownGrace.isNegative()) {
      throw new IllegalArgumentException("shutdown-grace must not be negative, got " + shutdownGrace);
    }
  }
}
