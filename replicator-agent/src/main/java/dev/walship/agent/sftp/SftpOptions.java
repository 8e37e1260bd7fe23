package dev.walship.agent.sftp;

import dev.walship.toolkit.time.Backoff;
import dev.walship.toolkit.time.Sleeper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * How an {@link SftpReplicaStore} connects, beyond what its {@link SftpTarget} says. The defaults
 * suit an agent; tests inject the randomness, the sleeper and the home directory.
 *
 * @param connectTimeout TCP connect plus SSH handshake (default 10 s)
 * @param authTimeout authentication and opening the SFTP channel (default 30 s)
 * @param heartbeatInterval {@code keepalive@openssh.com} requests on an idle connection (15 s)
 * @param heartbeatMaxNoReply unanswered heartbeats after which the connection is dropped (3), so a
 *     dead connection is noticed in about a minute instead of hanging until TCP gives up
 * @param reconnectAttempts connection attempts per reconnect, the first included (5)
 * @param reconnectBaseDelay wait before the second attempt, doubled for each next one (250 ms)
 * @param reconnectMaxDelay largest wait between attempts (30 s)
 * @param random the jitter of reconnect waits
 * @param sleeper how reconnects wait
 * @param userHome where {@code .ssh/known_hosts} is read when a target sets neither {@code
 *     host-key} nor {@code known-hosts} (the {@code user.home} system property); nothing else is
 *     read from it
 */
public record SftpOptions(
    Duration connectTimeout,
    Duration authTimeout,
    Duration heartbeatInterval,
    int heartbeatMaxNoReply,
    int reconnectAttempts,
    Duration reconnectBaseDelay,
    Duration reconnectMaxDelay,
    RandomGenerator random,
    Sleeper sleeper,
    Path userHome) {

  public SftpOptions {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(authTimeout, "authTimeout");
    Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
    Objects.requireNonNull(random, "random");
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(userHome, "userHome");
    new Backoff(reconnectBaseDelay, reconnectMaxDelay); // validates
    if (reconnectAttempts < 1) {
      throw new IllegalArgumentException(
          "reconnect attempts must be at least 1, got " + reconnectAttempts);
    }
  }

  /** The defaults listed above. */
  public static SftpOptions defaults() {
    return new SftpOptions(
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(15),
        3,
        5, // 0.25 s, 0.5 s, 1 s, 2 s between five attempts (about 2–4 s in all)
        Duration.ofMillis(250),
        Duration.ofSeconds(30),
        new SplittableRandom(),
        Sleeper.SYSTEM,
        Path.of(System.getProperty("user.home")));
  }

  /** These options with another reconnect schedule. */
  public SftpOptions withReconnect(int attempts, Duration baseDelay, Duration maxDelay) {
    return new SftpOptions(
        connectTimeout,
        authTimeout,
        heartbeatInterval,
        heartbeatMaxNoReply,
        attempts,
        baseDelay,
        maxDelay,
        random,
        sleeper,
        userHome);
  }

  /** These options with another jitter source and sleeper. */
  public SftpOptions withClock(RandomGenerator random, Sleeper sleeper) {
    return new SftpOptions(
        connectTimeout,
        authTimeout,
        heartbeatInterval,
        heartbeatMaxNoReply,
        reconnectAttempts,
        reconnectBaseDelay,
        reconnectMaxDelay,
        random,
        sleeper,
        userHome);
  }

  /** These options with another home directory (for {@code ~/.ssh/known_hosts}). */
  public SftpOptions withUserHome(Path home) {
    return new SftpOptions(
        connectTimeout,
        authTimeout,
        heartbeatInterval,
        heartbeatMaxNoReply,
        reconnectAttempts,
        reconnectBaseDelay,
        reconnectMaxDelay,
        random,
        sleeper,
        home);
  }

  /** These options with another heartbeat (keep-alive) schedule. */
  public SftpOptions withHeartbeat(Duration interval, int maxNoReply) {
    return new SftpOptions(
        connectTimeout,
        authTimeout,
        interval,
        maxNoReply,
        reconnectAttempts,
        reconnectBaseDelay,
        reconnectMaxDelay,
        random,
        sleeper,
        userHome);
  }

  /** These options with other timeouts. */
  public SftpOptions withTimeouts(Duration connect, Duration auth) {
    return new SftpOptions(
        connect,
        auth,
        heartbeatInterval,
        heartbeatMaxNoReply,
        reconnectAttempts,
        reconnectBaseDelay,
        reconnectMaxDelay,
        random,
        sleeper,
        userHome);
  }

  /**
   * The waits between reconnect attempts: before attempt n (n ≥ 2), {@code backoff().delay(n - 1)}.
   */
  Backoff backoff() {
    return new Backoff(reconnectBaseDelay, reconnectMaxDelay);
  }
}
