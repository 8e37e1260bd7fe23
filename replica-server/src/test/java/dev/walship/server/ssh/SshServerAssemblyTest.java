package dev.walship.server.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.server.ServerFixture;
import dev.walship.testing.Proc;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nothing but SFTP, as OpenSSH's {@code ssh} client finds it. */
class SshServerAssemblyTest {
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
  void identifiesWithoutAVersion() throws Exception {
    try (Socket s = new Socket("127.0.0.1", f.server.port())) {
      s.setSoTimeout(10_000);
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c != '\n' && c >= 0; c = in.read()) {
        line.append((char) c);
      }
      assertEquals("SSH-2.0-replica-server", line.toString().trim());
    }
    Proc.Result r = f.client.ssh("-v", "true");
    assertTrue(
        r.stderr().contains("remote software version replica-server\r\n")
            || r.stderr().contains("remote software version replica-server\n"),
        r.toString());
  }

  @Test
  void commandsAndShellsAreRefused() {
    Proc.Result exec = f.client.ssh("id");
    assertEquals(255, exec.exit(), exec.toString());
    assertTrue(exec.stderr().contains("exec request failed"), exec.toString());
    Proc.Result scp = f.client.ssh("scp", "-t", "/db");
    assertTrue(scp.stderr().contains("exec request failed"), scp.toString());
    Proc.Result shell = f.client.ssh("-T");
    assertTrue(shell.stderr().contains("shell request failed"), shell.toString());
    Proc.Result pty = f.client.ssh("-tt");
    assertTrue(pty.stderr().contains("PTY allocation request failed"), pty.toString());
    Proc.Result subsystem = f.client.ssh("-s", "netconf");
    assertTrue(subsystem.stderr().contains("subsystem request failed"), subsystem.toString());
  }

  @Test
  void x11IsRefused() {
    List<String> cmd = f.client.sshCommand("-X", "true");
    Proc.Result r =
        Proc.run(
            Duration.ofSeconds(30), null, Map.of("DISPLAY", ":0"), "", cmd.toArray(String[]::new));
    assertTrue(r.stderr().contains("X11 forwarding request failed"), r.toString());
  }

  @Test
  void remoteForwardingIsRefused() {
    Proc.Result r =
        f.client.ssh(
            "-o", "ExitOnForwardFailure=yes", "-N", "-R", "0:127.0.0.1:" + f.server.port());
    assertEquals(255, r.exit(), r.toString());
    assertTrue(r.stderr().contains("remote port forwarding failed"), r.toString());
  }

  @Test
  void localForwardingIsRefused() throws Exception {
    int local;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      local = probe.getLocalPort();
    }
    ProcessBuilder pb =
        new ProcessBuilder(
            f.client.sshCommand(
                "-N", "-L", "127.0.0.1:" + local + ":127.0.0.1:" + f.server.port()));
    Path log = dir.resolve("forward.log");
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    try {
      byte[] got = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (got == null && System.nanoTime() < deadline) {
        try (Socket s = new Socket("127.0.0.1", local)) {
          s.setSoTimeout(10_000);
          got = s.getInputStream().readAllBytes();
        } catch (ConnectException notYet) {
          Thread.sleep(50);
        }
      }
      assertEquals(
          0,
          got == null ? -1 : got.length,
          "the forwarded connection carries nothing: the server refused it");
    } finally {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertTrue(out.contains("open failed"), out);
  }

  @Test
  void onlyAesGcmIsOffered() {
    for (String cipher :
        new String[] {"aes128-ctr", "aes256-ctr", "chacha20-poly1305@openssh.com", "aes256-cbc"}) {
      Proc.Result r = f.client.with("-c", cipher).sftp(f.dir, "pwd");
      assertNotEquals(0, r.exit(), cipher + ": " + r);
      assertTrue(r.stderr().contains("no matching cipher"), r.toString());
    }
    for (String cipher : new String[] {"aes128-gcm@openssh.com", "aes256-gcm@openssh.com"}) {
      assertEquals(0, f.client.with("-c", cipher).sftp(f.dir, "pwd").exit(), cipher);
    }
    Proc.Result v = f.client.with("-v").sftp(f.dir, "pwd");
    assertTrue(
        v.stderr().contains("cipher: aes128-gcm@openssh.com"),
        "the default client settles on GCM: " + v);
    assertFalse(v.stderr().contains("compression: zlib"), v.toString());
  }
}
