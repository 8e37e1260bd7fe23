package dev.walship.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.SshKeys;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthorizedKeysFileTest {
  @TempDir static Path keysDir;
  static SshKeys.KeyPair ed;
  static SshKeys.KeyPair ecdsa;
  static SshKeys.KeyPair rsa;

  @TempDir Path dir;

  @BeforeAll
  static void keys() {
    ed = SshKeys.generate(keysDir, "ed", "ed25519");
    ecdsa = SshKeys.generate(keysDir, "ec", "ecdsa");
    rsa = SshKeys.generate(keysDir, "rsa", "rsa");
  }

  private Path write(String content) throws IOException {
    Path f = dir.resolve("authorized_keys");
    Files.writeString(f, content);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f;
  }

  @Test
  void readsOpenSshFormatWithCommentsAndOptions() throws Exception {
    Path f =
        write(
            "# a comment\n\n"
                + ed.publicLine()
                + "\n"
                + "from=\"127.0.0.0/8\",no-pty "
                + ecdsa.publicLine()
                + "\n"
                + "restrict,command=\"internal-sftp\" "
                + rsa.publicLine()
                + "\n");
    List<AuthorizedKeysFile.Key> keys = new AuthorizedKeysFile(f).keys();
    assertEquals(3, keys.size());
    assertEquals(ed.fingerprint(), keys.get(0).fingerprint());
    assertNull(keys.get(0).from());
    assertEquals(4, keys.get(1).line());
    assertNotNull(keys.get(1).from());
    assertTrue(keys.get(1).from().allows(InetAddress.getByName("127.0.0.1")));
    assertEquals(rsa.fingerprint(), keys.get(2).fingerprint());
  }

  @Test
  void badLinesAndUnsupportedOptionsAreSkippedNotFatal() throws Exception {
    Path f =
        write(
            "garbage\n"
                + "ssh-dss AAAAB3NzaC1kc3MAAACBAP== old\n"
                + "cert-authority "
                + ed.publicLine()
                + "\n"
                + "expiry-time=\"20990101\" "
                + ed.publicLine()
                + "\n"
                + "from=\"10.0.0.0/99\" "
                + ed.publicLine()
                + "\n"
                + ecdsa.publicLine()
                + "\n");
    List<AuthorizedKeysFile.Key> keys = new AuthorizedKeysFile(f).keys();
    assertEquals(1, keys.size());
    assertEquals(ecdsa.fingerprint(), keys.get(0).fingerprint());
  }

  @Test
  void commandIsHonouredAsOpenSshWouldRunIt() throws Exception {
    String[][] cases = {
      {"internal-sftp", "READ_WRITE", null},
      {"internal-sftp -R", "READ_ONLY", null},
      {"internal-sftp -eR -l VERBOSE -fAUTH", "READ_ONLY", null},
      {"/usr/lib/openssh/sftp-server -R", "READ_ONLY", null},
      {
        "/bin/true",
        null,
        "command=\"/bin/true\" is not internal-sftp: this key gets no SFTP session"
      },
      {
        "internal-sftp -P write",
        null,
        "command=\"internal-sftp -P write\": flag -P is not supported by replica-server"
            + " (only -R, -e, -f, -l): this key is refused"
      },
      {"internal-sftp -u 022", null, "flag -u"},
      {"internal-sftp -d /db", null, "flag -d"},
      {"internal-sftp -l", null, "flag -l without its value"},
      {"internal-sftp /etc", null, "argument '/etc'"},
      {"", null, "is not internal-sftp"},
    };
    for (String[] c : cases) {
      Path f = write("command=\"" + c[0] + "\" " + ed.publicLine() + "\n");
      List<AuthorizedKeysFile.Key> keys = new AuthorizedKeysFile(f).keys();
      assertEquals(1, keys.size(), c[0]);
      if (c[1] != null) {
        assertEquals(SftpAccess.valueOf(c[1]), keys.get(0).access(), c[0]);
        assertNull(keys.get(0).refusal(), c[0]);
      } else {
        assertTrue(keys.get(0).refusal().contains(c[2]), c[0] + ": " + keys.get(0).refusal());
      }
    }
    Path twice =
        write("command=\"internal-sftp -R\",command=\"internal-sftp\" " + ed.publicLine() + "\n");
    assertEquals(
        List.of(), new AuthorizedKeysFile(twice).keys(), "two commands: the line is skipped");
  }

  @Test
  void reReadWhenTheFileChanges() throws Exception {
    Path f = write(ed.publicLine() + "\n");
    AuthorizedKeysFile file = new AuthorizedKeysFile(f);
    assertEquals(1, file.keys().size());
    assertEquals(file.keys(), file.keys(), "unchanged file: same snapshot");
    write(ed.publicLine() + "\n" + rsa.publicLine() + "\n");
    assertEquals(2, file.keys().size());
  }

  @Test
  void aFileWritableByGroupOrOthersYieldsNoKeys() throws Exception {
    Path f = write(ed.publicLine() + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw--w----"));
    IOException e = assertThrows(IOException.class, () -> new AuthorizedKeysFile(f).keys());
    assertTrue(e.getMessage().contains("writable by group or others"), e.getMessage());
  }
}
