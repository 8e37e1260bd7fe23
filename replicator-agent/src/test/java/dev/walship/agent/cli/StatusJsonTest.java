package dev.walship.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.health.ReplicaHealth;
import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import dev.walship.toolkit.config.GoDuration;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Machine-readable output does not change with the default locale (a German one writes 1,500). */
class StatusJsonTest {
  @Test
  void numbersAreTheSameUnderAGermanDefaultLocale() {
    Locale before = Locale.getDefault();
    Locale.setDefault(Locale.GERMANY);
    try {
      Generation g = Generation.parse("0123456789abcdef");
      ReplicaHealth h =
          new ReplicaHealth(
              "/db",
              "r",
              "file:///r",
              "catching-up",
              new Position(g, 1, 4096),
              new Position(g, 1, 32),
              Duration.ofMillis(1500),
              1_234_567L,
              Instant.parse("2026-12-02T10:00:00Z"),
              null);
      StringWriter out = new StringWriter();
      StatusJson.print(new PrintWriter(out), List.of(h), Instant.parse("2026-12-02T10:00:01Z"));
      assertTrue(
          out.toString().contains("\"lag_seconds\":1.500,\"lag_bytes\":1234567,"), out.toString());
      assertEquals("1.5s", GoDuration.format(Duration.ofMillis(1500)));
      assertEquals(String.format(Locale.ROOT, "%08x", 10), "0000000a");
    } finally {
      Locale.setDefault(before);
    }
  }
}
