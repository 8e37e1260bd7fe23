package dev.walship.agent.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.toolkit.config.HostPort;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
  @Test
  void addrIsHostAndPortOrJustThePort() {
    assertEquals(new HostPort("127.0.0.1", 9090), MetricsServer.address("127.0.0.1:9090"));
    assertEquals(new HostPort("", 9090), MetricsServer.address(":9090"));
    assertEquals(new HostPort("::1", 9090), MetricsServer.address("[::1]:9090"));
    assertEquals(new HostPort("localhost", 0), MetricsServer.address("localhost:0"));
    assertThrows(IllegalArgumentException.class, () -> MetricsServer.address("9090"));
    assertThrows(IllegalArgumentException.class, () -> MetricsServer.address("host:"));
    assertThrows(IllegalArgumentException.class, () -> MetricsServer.address("host:99999"));
  }

  @Test
  void servesTheRegistryOnTheLoopbackAddressItWasGiven() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    Counter.builder().name("walship_test").help("a test counter").register(registry).inc(3);
    try (MetricsServer s = MetricsServer.start("127.0.0.1:0", registry)) {
      String body = ReplicatorTest.scrape(s.port());
      assertTrue(body.contains("walship_test_total 3.0"), body);
    }
  }

  @Test
  void aPortInUseIsReportedWithWhatToDo() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  MetricsServer.start(
                      "127.0.0.1:" + taken.getLocalPort(), new PrometheusRegistry()));
      assertTrue(e.getMessage().contains("change addr"), e.getMessage());
    }
  }
}
