package dev.walship.server;

import dev.walship.server.audit.AuditEvents;
import dev.walship.server.auth.HostKey;
import dev.walship.server.auth.UserKeyAuthenticator;
import dev.walship.server.config.ConfigChecks;
import dev.walship.server.config.ServerConfig;
import dev.walship.server.config.UserConfig;
import dev.walship.server.content.ContentValidator;
import dev.walship.server.content.LayoutContentValidator;
import dev.walship.server.fs.JailFileSystemFactory;
import dev.walship.server.fs.ReplicaSftpAccessor;
import dev.walship.server.fs.WriteTracker;
import dev.walship.server.metrics.ServerMetrics;
import dev.walship.server.sftp.ReplicaSftpSubsystemFactory;
import dev.walship.server.ssh.ReplicaSshServer;
import dev.walship.server.ssh.SshServerAssembly;
import dev.walship.toolkit.config.ConfigException;
import dev.walship.toolkit.time.Ticker;
import java.io.IOException;
import java.net.BindException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running replica-server: the SSH/SFTP server of one {@link ServerConfig}.
 *
 * <pre>{@code
 * try (ReplicaServer server = ReplicaServer.start(config)) {
 *   int port = server.port();                       // the bound port (config port 0 = any free one)
 *   String pin = server.hostKeyFingerprint();       // SHA256:… for clients to pin
 * }
 * }</pre>
 *
 * Starting checks the configuration against the machine first (one-line {@link ConfigException} for
 * operator mistakes), loads or creates the host key, and binds before returning. {@link #reload}
 * puts a new configuration in force without a restart.
 */
public final class ReplicaServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaServer.class);
  private static final Duration DISCARD_WAIT = Duration.ofSeconds(5);
  private static final Duration SESSION_CLOSE_WAIT = Duration.ofSeconds(3);

  private final ReplicaSshServer sshd;
  private final HostKey hostKey;
  private final WriteTracker writes;
  private final UserKeyAuthenticator authenticator;
  private final JailFileSystemFactory fileSystems;
  private final ServerMetrics metrics;
  private volatile ServerConfig config;
  private final AtomicLong logins;

  private ReplicaServer(
      ReplicaSshServer sshd,
      HostKey hostKey,
      WriteTracker writes,
      UserKeyAuthenticator authenticator,
      JailFileSystemFactory fileSystems,
      ServerMetrics metrics,
      ServerConfig config,
      AtomicLong logins) {
    this.metrics = metrics;
    this.logins = logins;
    this.sshd = sshd;
    this.hostKey = hostKey;
    this.writes = writes;
    this.authenticator = authenticator;
    this.fileSystems = fileSystems;
    this.config = config;
  }

  /** Starts a server validating uploads with shared-format's content checks. */
  public static ReplicaServer start(ServerConfig config) throws ConfigException, IOException {
    return start(config, new LayoutContentValidator(), Clock.systemUTC());
  }

  /** Starts a server with the given content validator and clock. */
  public static ReplicaServer start(ServerConfig config, ContentValidator validator, Clock clock)
      throws ConfigException, IOException {
    ConfigChecks.check(config);
    HostKey hostKey = HostKey.loadOrCreate(config.hostKey());
    LOG.info("host key {} {}", config.hostKey(), hostKey.fingerprint());
    WriteTracker writes = new WriteTracker(Ticker.SYSTEM);
    ReplicaSftpAccessor accessor = new ReplicaSftpAccessor(writes);
    ServerMetrics metrics = config.metricsAddr() == null ? null : new ServerMetrics(config.users());
    AuditEvents events = metrics == null ? AuditEvents.NONE : metrics;
    UserKeyAuthenticator authenticator = new UserKeyAuthenticator(config.users(), events);
    JailFileSystemFactory fileSystems =
        new JailFileSystemFactory(config.users(), validator, clock, events);
    SshServerAssembly.Parts parts =
        new SshServerAssembly.Parts(
            KeyPairProvider.wrap(hostKey.keyPair()),
            authenticator,
            fileSystems,
            new ReplicaSftpSubsystemFactory(accessor, writes),
            config.limits(),
            clock,
            events);
    ReplicaSshServer sshd =
        SshServerAssembly.build(config.listenHost(), config.listenPort(), parts);
    AtomicLong logins = new AtomicLong();
    sshd.addSessionListener(
        new SessionListener() {
          @Override
          public void sessionEvent(Session session, Event event) {
            if (event == Event.Authenticated) {
              logins.incrementAndGet();
            }
          }
        });
    try {
      sshd.start();
    } catch (BindException e) {
      sshd.stop(true);
      throw config
          .source()
          .error(
              "listen",
              "cannot listen on "
                  + config.listen()
                  + ": "
                  + e.getMessage()
                  + " (is another server using the port?)");
    }
    if (metrics != null) {
      try {
        metrics.serve(config.metricsAddr());
      } catch (IOException e) {
        sshd.stop(true);
        throw config.source().error("metrics-addr", e.getMessage());
      }
    }
    ReplicaServer server =
        new ReplicaServer(
            sshd, hostKey, writes, authenticator, fileSystems, metrics, config, logins);
    LOG.info("listening on {}:{} for {}", config.listenHost(), server.port(), names(config));
    if (metrics != null) {
      LOG.info("serving metrics on {} port {} (/metrics)", config.metricsAddr(), metrics.port());
    }
    return server;
  }

  /**
   * Puts {@code next} in force: its users, roots, writable directories and authorized-keys files
   * for later logins, its limits for what happens from now on. Connections already logged in keep
   * the user settings they logged in with; a user no longer listed can no longer log in. The listen
   * address and the host key change only at a restart (logged when they differ).
   *
   * @throws ConfigException when {@code next} fails the checks; nothing changed then
   * @throws IOException when a writable directory cannot be prepared; nothing changed then
   */
  public synchronized void reload(ServerConfig next) throws ConfigException, IOException {
    ConfigChecks.check(next);
    ServerConfig current = config;
    fileSystems.users(next.users());
    authenticator.users(next.users());
    if (metrics != null) {
      metrics.users(next.users());
    }
    sshd.limits(next.limits());
    config = next;
    if (!next.listen().equals(current.listen())) {
      LOG.warn(
          "listen {} differs from {} (listening on {}:{}): a restart applies it",
          next.listen(),
          current.listen(),
          current.listenHost(),
          port());
    }
    if (!java.util.Objects.equals(next.metricsAddr(), current.metricsAddr())) {
      LOG.warn(
          "metrics-addr {} differs from {}: a restart applies it",
          next.metricsAddr(),
          current.metricsAddr());
    }
    if (!next.hostKey().equals(current.hostKey())) {
      LOG.warn(
          "host-key {} differs from {} (still serving {}): a restart applies it",
          next.hostKey(),
          current.hostKey(),
          hostKey.fingerprint());
    }
    LOG.info(
        "reloaded {}: users {}",
        next.source().file() == null ? "the configuration" : next.source().file(),
        names(next));
  }

  /** The configuration in force (the last one started or reloaded). */
  public ServerConfig config() {
    return config;
  }

  private static String names(ServerConfig c) {
    return c.users().stream().map(UserConfig::name).collect(Collectors.joining(", "));
  }

  /** The SSH connections open now (logged in or not), e.g. to check that agents share theirs. */
  public int connections() {
    return sshd.getActiveSessions().size();
  }

  /** The logins (authenticated connections) since the server started. */
  public long logins() {
    return logins.get();
  }

  /** The port Prometheus metrics are served on, or -1 when {@code metrics-addr} is unset. */
  public int metricsPort() {
    return metrics == null ? -1 : metrics.port();
  }

  /** The TCP port the server listens on. */
  public int port() {
    return sshd.getPort();
  }

  /** The host key's {@code SHA256:…} fingerprint, as {@code ssh-keygen -lf} prints it. */
  public String hostKeyFingerprint() {
    return hostKey.fingerprint();
  }

  /**
   * The host key's public line ({@code ssh-ed25519 AAAA… replica-server}), e.g. for known_hosts.
   */
  public String hostKeyLine() {
    return hostKey.publicLine();
  }

  /**
   * Stops accepting connections, lets handles open for writing close for up to {@code grace}, then
   * ends every session (unfinished uploads are discarded: their old files stay).
   */
  public void shutdown(Duration grace) throws IOException {
    try {
      sshd.stopAccepting();
      LOG.info(
          "stopped accepting; {} upload(s) in flight, waiting up to {} s",
          writes.open(),
          grace.toSeconds());
      if (!writes.awaitIdle(grace)) {
        LOG.warn(
            "{} upload(s) still open after {} s; they are discarded",
            writes.open(),
            grace.toSeconds());
      }
      // Gracefully first: replies already queued (such as to the last close) reach the clients.
      sshd.close(false).await(SESSION_CLOSE_WAIT);
      close();
      // Closing a session discards its unfinished uploads on the session's own thread: wait for it.
      if (!writes.awaitIdle(DISCARD_WAIT)) {
        LOG.warn(
            "{} upload(s) not yet discarded; their hidden files are removed at the next start",
            writes.open());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      close();
    }
  }

  /** Stops at once, closing every session. */
  @Override
  public void close() throws IOException {
    if (metrics != null) {
      metrics.close();
    }
    if (sshd.isOpen()) {
      sshd.stop(true);
      LOG.info("stopped");
    }
  }
}
