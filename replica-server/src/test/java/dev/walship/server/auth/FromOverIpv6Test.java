package dev.walship.server.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.server.MinaSftp;
import dev.walship.server.ReplicaServer;
import dev.walship.server.config.ServerConfig;
import dev.walship.testing.SshKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code from=} against a client on {@code ::1}: wildcards match the address as OpenSSH prints it
 * ({@code ::1}, RFC 5952's compressed form), never Java's {@code 0:0:0:0:0:0:0:1}.
 */
class FromOverIpv6Test {
  @TempDir static Path dir;
  static ReplicaServer server;
  static SshKeys.KeyPair key;
  static Path keys;

  @BeforeAll
  static void start() throws Exception {
    Path root = Files.createDirectories(dir.resolve("data/replicator"));
    key = SshKeys.generate(Files.createDirectories(dir.resolve("client")), "id", "ed25519");
    keys = Files.writeString(dir.resolve("authorized_keys"), key.publicLine() + "\n");
    Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
    server =
        ReplicaServer.start(
            ServerConfig.builder()
                .listen("::1", 0)
                .hostKey(dir.resolve("host_key"))
                .user("replicator", root, keys, List.of("db"))
                .build());
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static boolean logsIn(String options) throws Exception {
    Files.writeString(keys, options + " " + key.publicLine() + "\n");
    Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
    try (MinaSftp m =
        MinaSftp.connect(
            "::1", server.port(), "replicator", key.privateKey(), server.hostKeyFingerprint())) {
      return m.sftp.canonicalPath(".").equals("/");
    } catch (IllegalStateException refused) {
      return false;
    }
  }

  @Test
  void aNegatedIpv6WildcardKeepsTheClientOut() throws Exception {
    assertFalse(
        logsIn("from=\"*,!::*\""), "'!::*' matches ::1: the key is refused (it used to fail open)");
    assertFalse(logsIn("from=\"*,!::?\""));
  }

  @Test
  void ipv6WildcardsMatchTheCompressedForm() throws Exception {
    assertTrue(logsIn("from=\"::*\""));
    assertTrue(logsIn("from=\"::1,10.0.0.1\""));
    assertFalse(logsIn("from=\"0:0:*\""), "OpenSSH sees ::1, which 0:0:* does not match");
  }
}
