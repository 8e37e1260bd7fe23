package dev.walship.server.config;

import java.time.Duration;

/**
 * Operational limits: what one user, one connection and one source address may hold, and how long
 * things may take. Each matches an OpenSSH defence (named below), with defaults chosen for agents
 * that open one connection per database (Litestream does).
 *
 * @param connectionsPerUser concurrent authenticated connections of one user (OpenSSH: none); more
 *     are refused at login
 * @param channelsPerConnection concurrent channels (SFTP sessions) on one connection (OpenSSH's
 *     {@code MaxSessions}); more channel opens are refused, the connection goes on
 * @param openHandles open SFTP file and directory handles per SFTP session (OpenSSH's sftp-server
 *     has no limit but its open-file limit, commonly 1024); Litestream's restore holds every
 *     segment of a WAL index open at once, for up to 8 indexes at a time
 * @param openHandlesPerUser open SFTP handles across all sessions of one user: each holds a file
 *     descriptor, so this bounds what one user's connections can take from the server
 * @param idleTimeout a logged-in connection with no traffic for this long is closed
 * @param loginGrace a connection not logged in this long after it was accepted is closed (OpenSSH's
 *     {@code LoginGraceTime})
 * @param unauthenticatedPerSource connections from one address that have not logged in yet; more
 *     are closed at once, before the SSH handshake (OpenSSH's {@code PerSourceMaxStartups})
 * @param unauthenticated connections from all addresses that have not logged in yet; more are
 *     closed at once (OpenSSH's {@code MaxStartups}, without the random early drop)
 * @param shutdownGrace on SIGTERM, how long in-flight writes may take to finish
 */
public record Limits(
    int connectionsPerUser,
    int channelsPerConnection,
    int openHandles,
    int openHandlesPerUser,
    Duration idleTimeout,
    Duration loginGrace,
    int unauthenticatedPerSource,
    int unauthenticated,
    Duration shutdownGrace) {
  /** The defaults docs/replica-server.md documents. */
  public static final Limits DEFAULTS =
      new Limits(
          500,
          10,
          4096,
          16384,
          Duration.ofMinutes(10),
          Duration.ofSeconds(30),
          256,
          1024,
          Duration.ofSeconds(5));

  public Limits {
    atLeastOne("connections-per-user", connectionsPerUser);
    atLeastOne("channels-per-connection", channelsPerConnection);
    atLeastOne("open-handles", openHandles);
    atLeastOne("open-handles-per-user", openHandlesPerUser);
    atLeastOne("unauthenticated-per-source", unauthenticatedPerSource);
    atLeastOne("unauthenticated", unauthenticated);
    positive("idle-timeout", idleTimeout);
    positive("login-grace", loginGrace);
    if (shutdownGrace.isNegative()) {
      throw new IllegalArgumentException(
          "shutdown-grace must not be negative, got " + shutdownGrace);
    }
  }

  private static void atLeastOne(String key, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(key + " must be at least 1, got " + value);
    }
  }

  private static void positive(String key, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(key + " must be positive, got " + value);
    }
  }

  /** A builder starting from these limits. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes some limits, keeping the others. */
  public static final class Builder {
    private int connectionsPerUser;
    private int channelsPerConnection;
    private int openHandles;
    private int openHandlesPerUser;
    private Duration idleTimeout;
    private Duration loginGrace;
    private int unauthenticatedPerSource;
    private int unauthenticated;
    private Duration shutdownGrace;

    private Builder(Limits from) {
      connectionsPerUser = from.connectionsPerUser;
      channelsPerConnection = from.channelsPerConnection;
      openHandles = from.openHandles;
      openHandlesPerUser = from.openHandlesPerUser;
      idleTimeout = from.idleTimeout;
      loginGrace = from.loginGrace;
      unauthenticatedPerSource = from.unauthenticatedPerSource;
      unauthenticated = from.unauthenticated;
      shutdownGrace = from.shutdownGrace;
    }

    public Builder connectionsPerUser(int n) {
      connectionsPerUser = n;
      return this;
    }

    public Builder channelsPerConnection(int n) {
      channelsPerConnection = n;
      return this;
    }

    public Builder openHandles(int n) {
      openHandles = n;
      return this;
    }

    public Builder openHandlesPerUser(int n) {
      openHandlesPerUser = n;
      return this;
    }

    public Builder idleTimeout(Duration d) {
      idleTimeout = d;
      return this;
    }

    public Builder loginGrace(Duration d) {
      loginGrace = d;
      return this;
    }

    public Builder unauthenticatedPerSource(int n) {
      unauthenticatedPerSource = n;
      return this;
    }

    public Builder unauthenticated(int n) {
      unauthenticated = n;
      return this;
    }

    public Builder shutdownGrace(Duration d) {
      shutdownGrace = d;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first limit out of range
     */
    public Limits build() {
      return new Limits(
          connectionsPerUser,
          channelsPerConnection,
          openHandles,
          openHandlesPerUser,
          idleTimeout,
          loginGrace,
          unauthenticatedPerSource,
          unauthenticated,
          shutdownGrace);
    }
  }
}
