package dev.walship.server.metrics;

import dev.walship.server.audit.AuditEvents;
import dev.walship.server.config.UserConfig;
import dev.walship.toolkit.config.HostPort;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.util.List;

/**
 * The server's metrics, fed by the audit log's events ({@link AuditEvents}: every audit line counts
 * once, nothing is counted elsewhere) and, at scrape time, the free space of each user's root.
 * Labels are configured user names, operation names and fixed reasons only, so a client cannot grow
 * the label set. Names are listed in docs/replica-server.md ("Metrics").
 */
public final class ServerMetrics implements AuditEvents, AutoCloseable {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter logins;
  private final Counter refused;
  private final Counter uploads;
  private final Counter uploadBytes;
  private final Counter rejected;
  private final Counter denied;
  private final Gauge sessions;
  private volatile List<UserConfig> users;
  private HTTPServer server;

  /**
   * @param users the users in force (free space of their roots); a reload passes the new ones to
   *     {@link #users}
   */
  public ServerMetrics(List<UserConfig> users) {
    this.users = List.copyOf(users);
    logins =
        Counter.builder()
            .name("walship_server_logins")
            .help("Logins (accepted keys)")
            .labelNames("user")
            .register(registry);
    refused =
        Counter.builder()
            .name("walship_server_refused_logins")
            .help("Keys refused at login")
            .register(registry);
    uploads =
        Counter.builder()
            .name("walship_server_uploads")
            .help("Uploads published")
            .labelNames("user")
            .register(registry);
    uploadBytes =
        Counter.builder()
            .name("walship_server_upload_bytes")
            .help("Bytes of the uploads published")
            .labelNames("user")
            .register(registry);
    rejected =
        Counter.builder()
            .name("walship_server_rejected_uploads")
            .help(
                "Uploads not published, by reason (invalid, quota, no-space, write-failed, abandoned)")
            .labelNames("user", "reason")
            .register(registry);
    denied =
        Counter.builder()
            .name("walship_server_denied_operations")
            .help("File operations the server's policy denied, by operation")
            .labelNames("user", "op")
            .register(registry);
    sessions =
        Gauge.builder()
            .name("walship_server_sessions")
            .help("Sessions logged in now")
            .labelNames("user")
            .register(registry);
    GaugeWithCallback.builder()
        .name("walship_server_root_free_bytes")
        .help("Bytes free (usable) on the file system of each user's root")
        .labelNames("user")
        .callback(
            cb -> {
              for (UserConfig u : this.users) {
                try {
                  cb.call(Files.getFileStore(u.root()).getUsableSpace(), u.name());
                } catch (IOException e) {
                  // a root that is gone has no free space to report; the server logs its own errors
                }
              }
            })
        .register(registry);
  }

  /** Serves {@code /metrics} on {@code addr} ({@code host:port} or {@code :port}). */
  public ServerMetrics serve(String addr) throws IOException {
    HostPort a = HostPort.parseListen(addr);
    HTTPServer.Builder b = HTTPServer.builder().port(a.port()).registry(registry);
    if (!a.host().isEmpty()) {
      try {
        b.inetAddress(InetAddress.getByName(a.host()));
      } catch (UnknownHostException e) {
        throw new IOException("metrics-addr \"" + addr + "\": unknown host " + a.host(), e);
      }
    }
    try {
      server = b.buildAndStart();
    } catch (IOException e) {
      throw new IOException(
          "cannot serve metrics on \""
              + addr
              + "\": "
              + e.getMessage()
              + " (is the port in use? change metrics-addr)",
          e);
    }
    return this;
  }

  /** The users a reload put in force. */
  public void users(List<UserConfig> next) {
    this.users = List.copyOf(next);
  }

  /** The port metrics are served on, or -1 when not served. */
  public int port() {
    return server == null ? -1 : server.getPort();
  }

  PrometheusRegistry registry() {
    return registry;
  }

  @Override
  public void login(String user) {
    logins.labelValues(user).inc();
    sessions.labelValues(user).inc();
  }

  @Override
  public void logout(String user) {
    sessions.labelValues(user).dec();
  }

  @Override
  public void loginRefused() {
    refused.inc();
  }

  @Override
  public void uploaded(String user, long bytes) {
    uploads.labelValues(user).inc();
    uploadBytes.labelValues(user).inc(bytes);
  }

  @Override
  public void uploadRejected(String user, String reason) {
    rejected.labelValues(user, reason).inc();
  }

  @Override
  public void denied(String user, String op) {
    denied.labelValues(user, op).inc();
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
