package dev.walship.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FileReplicaConfigTest {
  @Test
  void typeAndLocation() {
    var r = new FileReplicaConfig("local", Path.of("/backups/a"), ReplicaTiming.DEFAULTS);
    assertEquals("file", r.type());
    assertEquals("/backups/a", r.location());
  }

  @Test
  void needsANameAndAnAbsolutePath() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new FileReplicaConfig("", Path.of("/a"), ReplicaTiming.DEFAULTS));
    assertThrows(
        IllegalArgumentException.class,
        () -> new FileReplicaConfig("a", Path.of("a"), ReplicaTiming.DEFAULTS));
  }
}
