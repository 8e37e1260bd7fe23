package dev.walship.server.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.server.LogCapture;
import dev.walship.server.MinaSftp;
import dev.walship.server.ServerFixture;
import dev.walship.server.config.Limits;
import dev.walship.server.content.LayoutContentValidator;
import dev.walship.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code limits.open-handles} (here 3 per SFTP session) and {@code limits.open-handles-per-user}
 * (here 5 across a user's sessions): past either, an open of a file or a directory is refused with
 * SSH_FX_FAILURE and a message naming the setting (MINA's own refusal says the disk is full); a
 * closed handle, or a session that ended, gives its handles back.
 */
class HandleLimitsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  @TempDir static Path dir;
  static ServerFixture f;

  @BeforeAll
  static void start() throws Exception {
    f =
        ServerFixture.start(
            dir,
            Limits.DEFAULTS.toBuilder().openHandles(3).openHandlesPerUser(5).build(),
            new LayoutContentValidator());
    Path db = Files.createDirectories(f.root.resolve("db"));
    for (int i = 0; i < 8; i++) {
      Files.writeString(db.resolve("f" + i), "file " + i);
    }
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @Test
  void theFourthHandleOfASessionIsRefusedNamingTheSettingUntilOneIsClosed() throws Exception {
    try (LogCapture log = LogCapture.start();
        MinaSftp m = MinaSftp.connect(f)) {
      List<SftpClient.CloseableHandle> open = new ArrayList<>();
      open.add(m.sftp.open("/db/f0"));
      open.add(m.sftp.open("/db/f1"));
      open.add(m.sftp.openDir("/db"));
      SftpException refused = assertThrows(SftpException.class, () -> m.sftp.open("/db/f2"));
      assertEquals(SftpConstants.SSH_FX_FAILURE, refused.getStatus());
      assertEquals(
          "General failure: too many open handles: 3 open in this SFTP session, at most 3"
              + " (replica-server's limits.open-handles); close some first",
          refused.getMessage());
      assertThrows(SftpException.class, () -> m.sftp.openDir("/"));
      String line = log.await("refused handle user=replicator address=127\\.0\\.0\\.1");
      assertTrue(line.contains("limits.open-handles)"), line);
      assertEquals(1, log.containing("refused handle").size(), "one line per session");
      open.remove(0).close();
      try (SftpClient.CloseableHandle again = m.sftp.open("/db/f2")) {
        assertEquals("file 2", read(m, again));
      }
      for (SftpClient.CloseableHandle h : open) {
        h.close();
      }
    }
  }

  @Test
  void aUsersSessionsShareFiveHandlesAndAnEndedSessionGivesItsBack() throws Exception {
    MinaSftp first = MinaSftp.connect(f);
    try (MinaSftp second = MinaSftp.connect(f)) {
      for (int i = 0; i < 3; i++) {
        first.sftp.open("/db/f" + i);
      }
      second.sftp.open("/db/f3");
      second.sftp.open("/db/f4");
      SftpException refused = assertThrows(SftpException.class, () -> second.sftp.open("/db/f5"));
      assertEquals(SftpConstants.SSH_FX_FAILURE, refused.getStatus());
      assertEquals(
          "General failure: too many open handles: 5 open in all SFTP sessions of user replicator, at"
              + " most 5 (replica-server's limits.open-handles-per-user); close some first",
          refused.getMessage());
      first.drop(); // its three handles are never closed by the client
      Await.until(
          WAIT,
          "the dropped session's handles to be given back",
          () -> {
            try (SftpClient.CloseableHandle h = second.sftp.open("/db/f5")) {
              return true;
            } catch (SftpException e) {
              return false;
            }
          });
      second.sftp.open("/db/f6");
      assertThrows(SftpException.class, () -> second.sftp.open("/db/f7"), "3 per session still");
    } finally {
      first.close();
    }
  }

  private static String read(MinaSftp m, SftpClient.Handle h) throws Exception {
    byte[] buf = new byte[64];
    int n = m.sftp.read(h, 0, buf, 0, buf.length);
    return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8);
  }
}
