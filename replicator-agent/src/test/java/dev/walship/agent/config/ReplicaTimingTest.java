package dev.walship.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReplicaTimingTest {
  @Test
  void litestreamDefaults() {
    assertEquals(Duration.ofHours(24), ReplicaTiming.DEFAULTS.retention());
    assertEquals(Duration.ofHours(1), ReplicaTiming.DEFAULTS.retentionCheckInterval());
    assertEquals(
        Duration.ZERO,
        ReplicaTiming.DEFAULTS.syncInterval(),
        "walship ships at once (Litestream: 1s)");
    assertEquals(Duration.ZERO, ReplicaTiming.DEFAULTS.snapshotInterval());
    assertEquals(Duration.ZERO, ReplicaTiming.DEFAULTS.validationInterval());
  }

  @Test
  void invariants() {
    Duration h = Duration.ofHours(1);
    Duration neg = Duration.ofSeconds(-1);
    assertThrows(IllegalArgumentException.class, () -> new ReplicaTiming(neg, h, h, h, h));
    assertThrows(
        IllegalArgumentException.class, () -> new ReplicaTiming(h, Duration.ZERO, h, h, h));
    assertThrows(IllegalArgumentException.class, () -> new ReplicaTiming(h, h, neg, h, h));
    assertThrows(IllegalArgumentException.class, () -> new ReplicaTiming(h, h, h, neg, h));
    assertThrows(IllegalArgumentException.class, () -> new ReplicaTiming(h, h, h, h, neg));
    assertEquals(
        Duration.ZERO,
        new ReplicaTiming(Duration.ZERO, h, Duration.ZERO, Duration.ZERO, Duration.ZERO)
            .retention());
  }
}
