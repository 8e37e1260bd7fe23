package dev.walship.server.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.server.MinaSftp;
import dev.walship.server.ServerFixture;
import dev.walship.testing.Await;
import dev.walship.testing.OpenSshClient;
import dev.walship.testing.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.channel.ChannelSubsystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * At most {@code limits.channels-per-connection} (default 10, as OpenSSH's MaxSessions) channels on
 * one connection: past it a channel open is refused and the connection goes on.
 */
class ChannelLimitTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
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
  void sixHundredChannelOpensOnOneConnectionGetTenChannelsAndTenThreads() throws Exception {
    try (MinaSftp m = MinaSftp.connect(f)) {
      // The SftpClient holds one channel already.
      List<ChannelSubsystem> open = new ArrayList<>();
      int refused = 0;
      for (int i = 0; i < 600; i++) {
        ChannelSubsystem c = m.session.createSubsystemChannel("sftp");
        try {
          c.open().verify(WAIT);
          open.add(c);
        } catch (IOException e) {
          refused++;
          c.close(true);
        }
      }
      assertEquals(9, open.size(), "10 channels in all, counting the SftpClient's");
      assertEquals(591, refused);
      Await.until(WAIT, "the server to run the 10 SFTP sessions", () -> sftpThreads() == 10);
      assertTrue(m.session.isOpen(), "refusing a channel keeps the connection");
      assertEquals("/", m.sftp.canonicalPath("."), "the first channel still works");
      open.remove(0).close(false).await(WAIT);
      ChannelSubsystem again = m.session.createSubsystemChannel("sftp");
      again.open().verify(WAIT);
      again.close(true);
      for (ChannelSubsystem c : open) {
        c.close(true);
      }
    }
    Await.until(WAIT, "the server to end the SFTP sessions", () -> sftpThreads() == 0);
  }

  /** OpenSSH's {@code ssh -M}: a master connection and sftp sessions multiplexed over it. */
  @Test
  void openSshMultiplexedSftpSessionsPastTheLimitAreRefused() throws Exception {
    Path sock = dir.resolve("mux");
    Process master =
        new ProcessBuilder(f.client.sshCommand("-M", "-S", sock.toString(), "-N"))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("master.log").toFile())
            .start();
    List<Process> held = new ArrayList<>();
    try {
      Await.until(WAIT, "the master connection", () -> Files.exists(sock));
      OpenSshClient mux = f.client.with("-o", "ControlMaster=no", "-o", "ControlPath=" + sock);
      for (int i = 0; i < 10; i++) {
        // An sftp subsystem session that stays open: its stdin is never closed.
        held.add(
            new ProcessBuilder(mux.sshCommand("-s", "sftp"))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("held" + i + ".log").toFile())
                .start());
        int n = i + 1;
        Await.until(WAIT, n + " multiplexed sftp sessions", () -> sftpThreads() == n);
      }
      // The master is refused an 11th session; OpenSSH's client then falls back to a connection of
      // its own (as it does with OpenSSH's sshd at MaxSessions).
      Proc.Result eleventh = mux.sftp(dir, "pwd");
      assertTrue(
          eleventh.stderr().contains("session request failed: Session open refused by peer"),
          eleventh.toString());
      // End one session as sftp does: end of input (killing a mux client leaves its channel open).
      Process first = held.remove(0);
      first.getOutputStream().close();
      assertTrue(first.waitFor(30, TimeUnit.SECONDS), "the first session ends");
      Await.until(WAIT, "one session to end", () -> sftpThreads() == 9);
      Proc.Result later = mux.sftp(dir, "pwd");
      assertEquals(0, later.exit(), later.toString());
      assertFalse(later.stderr().contains("refused"), later.toString());
    } finally {
      for (Process p : held) {
        p.getOutputStream().close();
        stop(p);
      }
      stop(master);
    }
    Await.until(WAIT, "the server to end the SFTP sessions", () -> sftpThreads() == 0);
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
    }
  }

  private static long sftpThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("sshd-ReplicaSftpSubsystem-"))
        .count();
  }
}
