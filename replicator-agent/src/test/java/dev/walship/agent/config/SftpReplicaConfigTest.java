package dev.walship.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.walship.agent.sftp.SftpTarget;
import org.junit.jupiter.api.Test;

class SftpReplicaConfigTest {
  private static final SftpTarget TARGET =
      new SftpTarget("alpha", 2222, "backup", "secret", "/db", null, null, null, null);

  @Test
  void typeAndLocationWithoutSecrets() {
    var r = new SftpReplicaConfig("offsite", TARGET, ReplicaTiming.DEFAULTS);
    assertEquals("sftp", r.type());
    assertEquals("sftp://backup@alpha:2222/db", r.location());
    assertFalse(r.toString().contains("secret"), r.toString());
  }

  @Test
  void needsAName() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new SftpReplicaConfig(null, TARGET, ReplicaTiming.DEFAULTS));
  }
}
