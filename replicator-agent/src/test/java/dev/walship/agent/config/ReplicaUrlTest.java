package dev.walship.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.toolkit.config.ConfigException;
import org.junit.jupiter.api.Test;

class ReplicaUrlTest {
  @Test
  void isUrlAsLitestreamDecidesBetweenUrlAndDatabasePath() {
    assertTrue(ReplicaUrl.isUrl("sftp://u@h/x"));
    assertTrue(ReplicaUrl.isUrl("file:///x"));
    assertTrue(ReplicaUrl.isUrl("s3://b/x"));
    assertTrue(ReplicaUrl.isUrl("my_scheme://x"));
    assertFalse(ReplicaUrl.isUrl("/var/lib/app.db"));
    assertFalse(ReplicaUrl.isUrl("app.db"));
    assertFalse(ReplicaUrl.isUrl("file:relative"));
    assertFalse(ReplicaUrl.isUrl("x-y://z"));
    assertFalse(ReplicaUrl.isUrl(" sftp://u@h/x"));
  }

  @Test
  void parsesCommandLineUrls() throws ConfigException {
    assertEquals(new ReplicaUrl.File("/backups/db"), ReplicaUrl.parse("file:///backups/db"));
    assertEquals(
        new ReplicaUrl.Sftp("alpha", 2222, "u", "p", "/db"),
        ReplicaUrl.parse("sftp://u:p@alpha:2222/db"));
  }

  @Test
  void errorsNameTheUrl() {
    assertEquals(
        "replica URL \"gcs://b/db\": " + ReplicaUrlParser.unsupportedType("gcs"),
        assertThrows(ConfigException.class, () -> ReplicaUrl.parse("gcs://b/db")).getMessage());
    assertEquals(
        "replica URL \"/backups/db\": needs a scheme (file:///path, sftp://user@host/path or s3://bucket/path);"
            + " a plain path goes under path:",
        assertThrows(ConfigException.class, () -> ReplicaUrl.parse("/backups/db")).getMessage());
  }
}
