package dev.walship.server.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.server.MinaSftp;
import dev.walship.server.ServerFixture;
import dev.walship.testing.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaSftpSubsystemTest {
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
  void version3AndExactlyTheAnnouncedExtensions() throws Exception {
    try (MinaSftp m = MinaSftp.connect(f)) {
      assertEquals(3, m.sftp.getVersion());
      assertEquals(
          Set.of(
              "posix-rename@openssh.com",
              "statvfs@openssh.com",
              "fsync@openssh.com",
              "lsetstat@openssh.com",
              "limits@openssh.com",
              "publish-on-close@walship.dev",
              "put-file@walship.dev",
              "newline",
              "supported",
              "supported2",
              "acl-supported"),
          m.sftp.getServerExtensions().keySet().stream()
              .filter(k -> !k.equals("versions"))
              .collect(Collectors.toSet()));
      assertFalse(
          m.sftp.getServerExtensions().containsKey("vendor-id"), "no product version is sent");
      for (String ext :
          new String[] {
            "hardlink@openssh.com",
            "copy-file",
            "copy-data",
            "md5-hash",
            "check-file-name",
            "space-available",
            "version-select",
            "home-directory",
            "expand-path@openssh.com",
            "publish-on-close@walship.dev"
          }) {
        assertEquals(SftpConstants.SSH_FX_OP_UNSUPPORTED, m.extended(ext, "/db", "/db/x"), ext);
      }
    }
  }

  @Test
  void handlesAreRandomAndNeverReusedWithinASession() throws Exception {
    f.localFile("h", "h\n");
    assertEquals(0, f.client.sftp(f.dir, "put h db/h").exit());
    try (MinaSftp m = MinaSftp.connect(f)) {
      Set<String> seen = new java.util.HashSet<>();
      for (int i = 0; i < 200; i++) {
        try (var h = m.sftp.open("/db/h", org.apache.sshd.sftp.client.SftpClient.OpenMode.Read)) {
          byte[] id = h.getIdentifier();
          assertEquals(16, id.length, "handle length");
          assertTrue(
              seen.add(java.util.HexFormat.of().formatHex(id)),
              "handle reused after close: open #" + i);
        }
      }
    }
  }

  @Test
  void dfWorksThroughStatvfs() {
    Proc.Result r = f.client.sftp(f.dir, "df -h", "df -i /db");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.stdout().contains("Size") && r.stdout().contains("Avail"), r.toString());
  }

  @Test
  void posixRenameReplacesAtomically() throws Exception {
    f.localFile("one", "one\n");
    f.localFile("two", "two\n");
    Proc.Result r =
        f.client.sftp(
            f.dir, "put one db/target", "put two db/incoming", "rename db/incoming db/target");
    assertEquals(0, r.exit(), r.toString());
    assertEquals("two\n", Files.readString(f.root.resolve("db/target")));
    assertFalse(Files.exists(f.root.resolve("db/incoming")));
  }

  @Test
  void errorsSayWhyButNeverNameHostPaths() throws Exception {
    try (MinaSftp m = MinaSftp.connect(f)) {
      SftpException e = assertThrows(SftpException.class, () -> m.sftp.mkdir("/nope"));
      assertEquals(SftpConstants.SSH_FX_PERMISSION_DENIED, e.getStatus());
      assertEquals(
          "Permission denied: /nope: outside the writable directories (/db)", e.getMessage());
      SftpException missing = assertThrows(SftpException.class, () -> m.sftp.stat("/db/missing"));
      assertFalse(missing.getMessage().contains(f.root.toString()), missing.getMessage());
    }
  }
}
