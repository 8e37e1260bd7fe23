package dev.walship.agent.replicate;

import dev.walship.toolkit.config.HostPort;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Serves {@code /metrics} on the address the config's {@code addr} names: {@code host:port}, {@code
 * [v6]:port}, or {@code :port} (every interface, as Litestream binds it). Port 0 picks a free port
 * ({@link #port()}).
 */
final class MetricsServer implements AutoCloseable {
  private final HTTPServer server;

  private MetricsServer(HTTPServer server) {
    this.server = server;
  }

  static MetricsServer start(String addr, PrometheusRegistry registry) throws IOException {
    HostPort a = address(addr);
    HTTPServer.Builder b = HTTPServer.builder().port(a.port()).registry(registry);
    if (!a.host().isEmpty()) {
      try {
        b.inetAddress(InetAddress.getByName(a.host()));
      } catch (UnknownHostException e) {
        throw new IOException("addr \"" + addr + "\": unknown host " + a.host(), e);
      }
    }
    try {
      return new MetricsServer(b.buildAndStart());
    } catch (IOException e) {
      throw new IOException(
          "cannot serve metrics on \""
              + addr
              + "\": "
              + e.getMessage()
              + " (is the port in use? change addr in the config)",
          e);
    }
  }

  /**
   * {@code addr} as host (empty: every interface) and port; the problem in the exception's message.
   */
  static HostPort address(String addr) {
    try {
      return HostPort.parseListen(addr);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("addr " + e.getMessage(), e);
    }
  }

  int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
