package dev.walship.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.sshd.client.channel.ChannelSubsystem;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, findings 6 and the audit: every client-chosen value in an audit or session line is
 * escaped, so no user name, subsystem name or path can forge a line; successful uploads, removals
 * and renames get one line each.
 */
class AuditLogTest {
  private static final String FORGED =
      "2030-01-01T00:00:00.000Z INFO audit - login user=root address=10.0.0.1:22 key=SHA256:x";
  private static final Pattern LINE =
      Pattern.compile(
          "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (INFO|WARN|ERROR) \\S+ - .*");

  @TempDir static Path dir;
  static ServerFixture f;
  static LogCapture log;

  @BeforeAll
  static void start() {
    log = LogCapture.start();
    f = ServerFixture.start(dir);
  }

  @AfterAll
  static void stop() {
    f.close();
    log.close();
  }

  /**
   * Every line that carries the forged text is one real, timestamped line, and no line is the
   * forged one.
   */
  private static void noForgedLine() {
    List<String> carrying = log.containing("login user=root");
    assertTrue(!carrying.isEmpty(), "the attempt was logged:\n" + String.join("\n", log.lines()));
    for (String l : carrying) {
      assertTrue(LINE.matcher(l).matches() && !l.startsWith(FORGED), "forged: " + l);
    }
  }

  @Test
  void aUserNameCannotForgeALine() {
    assertThrows(
        IllegalStateException.class,
        () ->
            MinaSftp.connect(
                    f.server.port(),
                    "x\n" + FORGED,
                    f.key.privateKey(),
                    f.server.hostKeyFingerprint())
                .close());
    log.await("auth refused user=\"x\\\\n2030-01-01T00:00:00\\.000Z INFO audit - login user=root");
    noForgedLine();
  }

  @Test
  void aSubsystemNameCannotForgeALine() throws Exception {
    try (MinaSftp m = MinaSftp.connect(f);
        ChannelSubsystem c = m.session.createSubsystemChannel("x\n" + FORGED)) {
      c.open().verify(Duration.ofSeconds(20));
      c.waitFor(List.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(5));
    } catch (IOException refused) {
      // the server refuses the subsystem; only its log line matters here
    }
    log.await("request=\"subsystem x\\\\n2030");
    noForgedLine();
  }

  @Test
  void aPathCannotForgeALine() throws Exception {
    try (MinaSftp m = MinaSftp.connect(f)) {
      assertThrows(SftpException.class, () -> m.sftp.mkdir("/db/a\n" + FORGED));
      assertThrows(SftpException.class, () -> m.sftp.mkdir("/etc\r\n" + FORGED));
    }
    log.await("op=mkdir path=\"/etc\\\\r\\\\n2030");
    noForgedLine();
  }

  @Test
  void uploadsRemovalsAndRenamesAreAudited() throws Exception {
    try (MinaSftp m = MinaSftp.connect(f)) {
      try (CloseableHandle h =
          m.sftp.open("/db/one", OpenMode.Write, OpenMode.Create, OpenMode.Truncate)) {
        m.sftp.write(h, 0, new byte[1234]);
      }
      m.sftp.rename("/db/one", "/db/two words");
      m.sftp.remove("/db/two words");
      m.sftp.mkdir("/db/d");
      m.sftp.rmdir("/db/d");
    }
    String who = "user=replicator address=127\\.0\\.0\\.1:\\d+ ";
    log.await("INFO audit - upload " + who + "path=/db/one bytes=1234$");
    log.await("INFO audit - rename " + who + "path=/db/one to=\"/db/two words\"$");
    log.await("INFO audit - remove " + who + "path=\"/db/two words\"$");
    log.await("INFO audit - rmdir " + who + "path=/db/d$");
    assertEquals(
        1, log.containing("upload user=replicator").size(), String.join("\n", log.lines()));
  }
}
