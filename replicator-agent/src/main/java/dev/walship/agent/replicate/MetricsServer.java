package dev.walship.agent.replicate;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Serves {@code /metrics} on the address the config's {@code addr} names: {@code host:port},
 * {@code [v6]:port}, or {@code :port} (every interface, as Litestream binds it). Port 0 picks a
 * free port ({@link #port()}).
 */
final class MetricsServer implements AutoCloseable {
  private final HTTPServer server;

  private MetricsServer(HTTPServer server) {
    this.server = server;
  }

  static MetricsServer start(String addr, PrometheusRegistry registry) throws IOException {
    Address a = Address.parse(addr);
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
      throw new IOException("cannot serve metrics on \"" + addr + "\": " + e.getMessage()
          + " (is the port in use? change addr in the config)", e);
    }
  }

  int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }

  /** {@code addr} split into host (empty: every interface) and port. */
  record Address(String host, int port) {
    static Address parse(String addr) {
      int colon = addr.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(
            "addr \"" + addr + "\": must specify a port, e.g. 127.0.0.1:9090 or :9090");
      }
      String host = addr.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      String port = addr.substring(colon + 1);
      if (port.isEmpty() || !port.chars().allMatch(Character::isDigit) || port.length() > 5
          || Integer.parseInt(port) > 65535) {
        throw new IllegalArgumentException(
            "addr \"" + addr + "\": port \"" + port + "\" is not a number in 0..65535");
      }
      return new Address(host, Integer.parseInt(port));
    }
  }
}
