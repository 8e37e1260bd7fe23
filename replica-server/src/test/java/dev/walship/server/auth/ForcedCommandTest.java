package dev.walship.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.server.ServerFixture;
import dev.walship.testing.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An authorized key's {@code command="…"} as OpenSSH's sftp client meets it: {@code internal-sftp
 * -R} is read-only, any command that is not an SFTP server gets no SFTP session.
 */
class ForcedCommandTest {
  @TempDir static Path dir;
  static ServerFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = ServerFixture.start(dir);
    f.localFile("up.txt", "uploaded\n");
  }

  @BeforeEach
  void freshTree() throws Exception {
    Path db = f.root.resolve("db");
    try (Stream<Path> s = Files.walk(db)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(db)).toList()) {
        Files.delete(p);
      }
    }
    Files.writeString(db.resolve("existing.txt"), "existing\n");
    Files.setPosixFilePermissions(
        db.resolve("existing.txt"), PosixFilePermissions.fromString("rw-r--r--"));
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @AfterEach
  void restoreKeys() throws Exception {
    authorize(f.key.publicLine());
  }

  private static void authorize(String... lines) throws Exception {
    Files.writeString(f.authorizedKeys, String.join("\n", lines) + "\n");
  }

  /** Reads, then tries every kind of write; what the client saw. */
  private static Proc.Result readThenWrite() throws Exception {
    Files.deleteIfExists(f.dir.resolve("got.txt"));
    return f.client.sftp(
        f.dir,
        "get db/existing.txt got.txt",
        "-put up.txt db/up.txt",
        "-mkdir db/d",
        "-rename db/existing.txt db/moved.txt",
        "-rm db/existing.txt",
        "-chmod 600 db/existing.txt");
  }

  private static void assertReadOnly(Proc.Result r) throws Exception {
    assertEquals("existing\n", Files.readString(f.dir.resolve("got.txt")), r.toString());
    assertFalse(Files.exists(f.root.resolve("db/up.txt")), r.toString());
    assertFalse(Files.exists(f.root.resolve("db/d")), r.toString());
    assertTrue(Files.exists(f.root.resolve("db/existing.txt")), r.toString());
    assertEquals(
        "rw-r--r--",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(f.root.resolve("db/existing.txt"))),
        r.toString());
    assertTrue(r.stderr().contains("Permission denied"), r.toString());
  }

  @Test
  void internalSftpDashRIsReadOnly() throws Exception {
    authorize("command=\"internal-sftp -R\" " + f.key.publicLine());
    assertReadOnly(readThenWrite());
    authorize("restrict,command=\"internal-sftp -e -l INFO -R -f AUTH\" " + f.key.publicLine());
    assertReadOnly(readThenWrite());
  }

  @Test
  void theFirstMatchingLineDecidesAsInOpenSsh() throws Exception {
    authorize("command=\"internal-sftp -R\" " + f.key.publicLine(), f.key.publicLine());
    assertReadOnly(readThenWrite());
  }

  @Test
  void internalSftpWithoutDashRAndWithLoggingFlagsIsReadWrite() throws Exception {
    authorize("command=\"internal-sftp -e -l VERBOSE\" " + f.key.publicLine());
    Proc.Result r = f.client.sftp(f.dir, "put up.txt db/rw.txt");
    assertEquals(0, r.exit(), r.toString());
    assertEquals("uploaded\n", Files.readString(f.root.resolve("db/rw.txt")));
  }

  @Test
  void aKeyForcedToAnotherCommandGetsNoSftpSession() throws Exception {
    for (String command :
        new String[] {
          "/usr/local/bin/backup-only",
          "internal-sftp -P write",
          "internal-sftp -u 077",
          "internal-sftp -d /db",
          "rsync --server --sender -vlogDtpre.iLsfxC . /db"
        }) {
      authorize("command=\"" + command + "\" " + f.key.publicLine());
      Proc.Result r = f.client.sftp(f.dir, "pwd");
      assertNotEquals(0, r.exit(), command + ": " + r);
      assertTrue(r.stderr().contains("Permission denied (publickey)"), command + ": " + r);
    }
  }
}
