package dev.walship.server.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.server.MinaSftp;
import dev.walship.server.auth.HostKey;
import dev.walship.testing.OpenSshClient;
import dev.walship.testing.Proc;
import dev.walship.testing.TestTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve} as an operator runs it: its own process, its log, its signals, its exit status. */
class ServeCommandTest {
  @TempDir Path dir;

  @Test
  void logsOneLinePerEventAndStopsCleanlyOnSigterm() throws Exception {
    ConfigFiles c = ConfigFiles.make(dir, "127.0.0.1:0", "limits: {shutdown-grace: 10s}\n");
    try (ServerProcess server = ServerProcess.serve(c.config(), dir.resolve("server.log"))) {
      int port = server.port();
      String fingerprint = server.await("host key \\S+ (SHA256:\\S+)");
      assertEquals(HostKey.load(c.hostKey()).fingerprint(), fingerprint);
      OpenSshClient client =
          new OpenSshClient(
              "replicator",
              port,
              c.key().privateKey(),
              OpenSshClient.knownHosts(dir, port, Files.readString(Path.of(c.hostKey() + ".pub"))));
      Files.writeString(dir.resolve("junk.txt"), "junk\n");
      client.sftp(dir, "-put junk.txt /x");
      agentForwardingRequest(client);
      server.await("logout user=replicator address=127\\.0\\.0\\.1:\\d+ after=\\d+s");
      server.await("request=\"agent forwarding\"");
      assertTrue(
          server
              .log()
              .matches(
                  "(?s).*login user=replicator address=127\\.0\\.0\\.1:\\d+ key="
                      + c.key().fingerprint().replace("+", "\\+")
                      + "\n.*"),
          server.log());
      server.await(
          "denied user=replicator address=127\\.0\\.0\\.1:\\d+ op=write path=/x: outside the writable directories \\(/db\\)");
      for (String line : server.logLines()) {
        assertTrue(
            line.matches(
                "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (INFO|WARN|ERROR) .*"),
            "one line per event, timestamped: " + line);
      }

      byte[] first = new byte[1 << 20];
      byte[] second = new byte[1 << 20];
      Arrays.fill(second, (byte) 7);
      MinaSftp m = MinaSftp.connect(port, "replicator", c.key().privateKey(), fingerprint);
      try {
        SftpClient.CloseableHandle h =
            m.sftp.open("/db/inflight", OpenMode.Write, OpenMode.Create, OpenMode.Truncate);
        m.sftp.write(h, 0, first);
        server.terminate();
        server.await("stopped accepting; 1 upload\\(s\\) in flight");
        assertThrows(
            ConnectException.class,
            () -> new Socket("127.0.0.1", port).close(),
            "no new connections");
        m.sftp.write(h, first.length, second);
        h.close();
      } finally {
        m.close();
      }
      assertEquals(0, server.exit(Duration.ofSeconds(20)), server.log());
      byte[] both = Files.readAllBytes(c.root().resolve("db/inflight"));
      assertEquals(2 << 20, both.length);
      assertArrayEquals(second, Arrays.copyOfRange(both, 1 << 20, 2 << 20));
    }
  }

  @Test
  void anUploadStillOpenAfterTheGraceIsDiscarded() throws Exception {
    ConfigFiles c = ConfigFiles.make(dir, "127.0.0.1:0", "limits: {shutdown-grace: 300ms}\n");
    try (ServerProcess server = ServerProcess.serve(c.config(), dir.resolve("server.log"))) {
      int port = server.port();
      String fingerprint = server.await("host key \\S+ (SHA256:\\S+)");
      MinaSftp m = MinaSftp.connect(port, "replicator", c.key().privateKey(), fingerprint);
      try {
        m.sftp.mkdir("/db/generations");
        m.sftp.mkdir("/db/generations/0123456789abcdef");
        m.sftp.mkdir("/db/generations/0123456789abcdef/snapshots");
        SftpClient.CloseableHandle h =
            m.sftp.open(
                "/db/generations/0123456789abcdef/snapshots/00000000.snapshot.lz4",
                OpenMode.Write,
                OpenMode.Create,
                OpenMode.Truncate);
        m.sftp.write(h, 0, new byte[] {4, 34, 77, 24});
        server.terminate();
        assertEquals(0, server.exit(Duration.ofSeconds(20)), server.log());
      } finally {
        m.drop();
      }
      assertTrue(
          server.log().contains("1 upload(s) still open after 0 s; they are discarded"),
          server.log());
      try (var files = Files.list(c.root().resolve("db/generations/0123456789abcdef/snapshots"))) {
        assertEquals(0, files.count(), "nothing half-written is left");
      }
    }
  }

  @Test
  void newFilesAndDirectoriesAreNeverGroupOrWorldWritableEvenUnderUmask000() throws Exception {
    ConfigFiles c = ConfigFiles.make(dir, "127.0.0.1:0", "");
    try (ServerProcess server = ServerProcess.serve(c.config(), dir.resolve("server.log"), "000")) {
      int port = server.port();
      OpenSshClient client =
          new OpenSshClient(
              "replicator",
              port,
              c.key().privateKey(),
              OpenSshClient.knownHosts(dir, port, Files.readString(Path.of(c.hostKey() + ".pub"))));
      Path open = Files.writeString(dir.resolve("open.txt"), "open\n");
      Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-rw-rw-"));
      Proc.Result r =
          client.sftp(
              dir, "put -p open.txt db/open.txt", "put open.txt db/plain.txt", "mkdir db/newdir");
      assertEquals(0, r.exit(), r.toString());
      assertEquals(
          "rw-r--r--",
          PosixFilePermissions.toString(
              Files.getPosixFilePermissions(c.root().resolve("db/open.txt"))));
      assertEquals(
          "rw-r--r--",
          PosixFilePermissions.toString(
              Files.getPosixFilePermissions(c.root().resolve("db/plain.txt"))));
      assertEquals(
          "rwxr-xr-x",
          PosixFilePermissions.toString(
              Files.getPosixFilePermissions(c.root().resolve("db/newdir"))));
    }
  }

  @Test
  void aPortInUseIsOneLineAndExit1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      ConfigFiles c = ConfigFiles.make(dir, "127.0.0.1:" + taken.getLocalPort(), "");
      CliRun r = CliRun.run("serve", "-config", c.config().toString());
      assertEquals(1, r.exit());
      assertTrue(
          r.err()
              .matches(
                  "replica-server: "
                      + Pattern.quote(c.config().toString())
                      + ":1: listen: cannot listen on 127\\.0\\.0\\.1:"
                      + taken.getLocalPort()
                      + ": .*in use.*\n"),
          r.err());
    }
  }

  @Test
  void hostKeyDirectoryNotWritable() {
    ConfigFiles c = ConfigFiles.make(dir, "127.0.0.1:0", "");
    CliRun r =
        CliRun.run(
            Map.of(),
            "serve",
            "-config",
            write(c, "host-key: state/ssh_host_ed25519_key", "host-key: /proc/1/key").toString());
    assertEquals(1, r.exit());
    assertEquals(
        "replica-server: "
            + c.config()
            + ":2: host-key: /proc/1/key does not exist and directory /proc/1 is not writable,"
            + " so it cannot be created; create the key or make the directory writable\n",
        r.err());
  }

  private static Path write(ConfigFiles c, String from, String to) {
    try {
      return Files.writeString(c.config(), Files.readString(c.config()).replace(from, to));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code ssh -A} with a real agent running, so the client does ask for agent forwarding. */
  private void agentForwardingRequest(OpenSshClient client) throws Exception {
    Path sock = dir.resolve("agent.sock");
    Process agent =
        new ProcessBuilder(TestTools.onPath("ssh-agent").toString(), "-D", "-a", sock.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("agent.log").toFile())
            .start();
    try {
      for (int i = 0; i < 200 && !Files.exists(sock); i++) {
        Thread.sleep(10);
      }
      List<String> cmd = new ArrayList<>(client.sshCommand("-A", "-T"));
      Proc.Result r =
          Proc.run(
              Duration.ofSeconds(30),
              null,
              Map.of("SSH_AUTH_SOCK", sock.toString()),
              "",
              cmd.toArray(String[]::new));
      assertTrue(r.stderr().contains("shell request failed"), r.toString());
    } finally {
      agent.destroy();
      if (!agent.waitFor(5, TimeUnit.SECONDS)) {
        agent.destroyForcibly().waitFor();
      }
    }
  }
}
