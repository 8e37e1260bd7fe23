package dev.walship.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.Proc;
import dev.walship.testing.SshKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed's OpenSSH transcript, run against the real server with the real OpenSSH clients. */
class ReplicaServerTest {
  @TempDir static Path dir;
  static ServerFixture f;

  @BeforeAll
  static void start() {
    f = ServerFixture.start(dir);
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @Test
  void seedTranscript() throws Exception {
    f.localFile("junk.txt", "junk\n");
    Proc.Result r =
        f.client.sftp(
            f.dir, "pwd", "cd ..", "pwd", "ls -al", "-put junk.txt .", "put junk.txt db", "ls db");
    String out = r.stdout();
    assertEquals(0, r.exit(), r.toString());
    assertEquals(
        2, out.split("Remote working directory: /\n", -1).length - 1, "pwd twice at /: " + r);
    assertTrue(out.matches("(?s).*sftp> ls -al\n[^\n]*\n[^\n]* db\n.*"), "ls -al lists db: " + r);
    assertTrue(r.stderr().contains("Permission denied"), "put junk.txt . is denied: " + r);
    assertTrue(out.contains("sftp> ls db\ndb/junk.txt"), "ls db shows junk.txt: " + r);
    assertEquals("junk\n", Files.readString(f.root.resolve("db/junk.txt")));
    assertTrue(Files.notExists(f.root.resolve("junk.txt")));
  }

  @Test
  void portAndFingerprint() {
    assertNotEquals(0, f.server.port());
    Path pub = f.dir.resolve("ssh_host_ed25519_key.pub");
    assertEquals(SshKeys.fingerprint(pub), f.server.hostKeyFingerprint());
  }
}
