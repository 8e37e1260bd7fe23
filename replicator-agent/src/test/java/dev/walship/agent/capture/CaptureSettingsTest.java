package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CaptureSettingsTest {
  @Test
  void defaultsAreLitestreams() {
    CaptureSettings d = CaptureSettings.DEFAULTS;
    assertEquals(Duration.ofSeconds(1), d.monitorInterval());
    assertEquals(Duration.ofMinutes(1), d.checkpointInterval());
    assertEquals(1000, d.minCheckpointPageCount());
    assertEquals(10000, d.maxCheckpointPageCount());
    assertEquals(Duration.ofSeconds(1), d.busyTimeout());
  }

  @Test
  void theMetaDirectoryIsBesideTheDatabaseUnlessConfigured() {
    assertEquals(
        Path.of("/data/.fruits.db-replicator"),
        CaptureSettings.DEFAULTS.metaDirFor(Path.of("/data/fruits.db")));
    assertEquals(
        Path.of("/var/lib/x"),
        CaptureSettings.DEFAULTS.withMetaDir(Path.of("/var/lib/x")).metaDirFor(Path.of("/a.db")));
  }

  @Test
  void invalidSettingsAreRefusedByName() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CaptureSettings.DEFAULTS.withCheckpointPageCounts(0, 10));
    assertTrue(e.getMessage().contains("min-checkpoint-page-count"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CaptureSettings.DEFAULTS.withCheckpointPageCounts(100, 10));
    assertTrue(e.getMessage().contains("max-checkpoint-page-count"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CaptureSettings.DEFAULTS.withMonitorInterval(Duration.ZERO));
    assertTrue(e.getMessage().contains("monitor-interval"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CaptureSettings.DEFAULTS.withCheckpointInterval(Duration.ofSeconds(-1)));
    assertTrue(e.getMessage().contains("checkpoint-interval"), e.getMessage());
  }
}
