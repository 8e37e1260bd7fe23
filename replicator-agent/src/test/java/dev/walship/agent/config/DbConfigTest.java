package dev.walship.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DbConfigTest {
  private static final Path DB = Path.of("/var/lib/app.db");

  private static DbConfig db(int min, int max, List<ReplicaConfig> replicas) {
    return new DbConfig(
        DB, DbConfig.defaultMetaPath(DB), Duration.ofSeconds(1), Duration.ZERO, min, max, replicas);
  }

  @Test
  void litestreamDefaults() {
    assertEquals(Duration.ofSeconds(1), DbConfig.DEFAULT_MONITOR_INTERVAL);
    assertEquals(Duration.ofMinutes(1), DbConfig.DEFAULT_CHECKPOINT_INTERVAL);
    assertEquals(1000, DbConfig.DEFAULT_MIN_CHECKPOINT_PAGE_COUNT);
    assertEquals(10000, DbConfig.DEFAULT_MAX_CHECKPOINT_PAGE_COUNT);
  }

  @Test
  void metaDirectoryBesideTheDatabase() {
    assertEquals(Path.of("/var/lib/.app.db-replicator"), DbConfig.defaultMetaPath(DB));
  }

  @Test
  void replicaByName() {
    var a = new FileReplicaConfig("a", Path.of("/a"), ReplicaTiming.DEFAULTS);
    var b = new FileReplicaConfig("b", Path.of("/b"), ReplicaTiming.DEFAULTS);
    DbConfig d = db(1000, 10000, List.of(a, b));
    assertEquals(b, d.replica("b").orElseThrow());
    assertTrue(d.replica("c").isEmpty());
  }

  @Test
  void invariants() {
    var a = new FileReplicaConfig("a", Path.of("/a"), ReplicaTiming.DEFAULTS);
    assertThrows(IllegalArgumentException.class, () -> db(1000, 10000, List.of(a, a)));
    assertThrows(IllegalArgumentException.class, () -> db(0, 0, List.of()));
    assertThrows(IllegalArgumentException.class, () -> db(10, 5, List.of()));
    assertEquals(0, db(10, 0, List.of()).maxCheckpointPageCount());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new DbConfig(
                Path.of("a.db"), DB, Duration.ofSeconds(1), Duration.ZERO, 1, 0, List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new DbConfig(DB, DB, Duration.ZERO, Duration.ZERO, 1, 0, List.of()));
  }
}
