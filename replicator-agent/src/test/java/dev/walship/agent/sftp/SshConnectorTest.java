package dev.walship.agent.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.SshException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One connection attempt and its operator messages. */
class SshConnectorTest {

  @Test
  void connectsWithSftpVersion3AndGcm(@TempDir Path dir) throws IOException {
    try (SftpFixture fx = SftpFixture.start(dir)) {
      SftpTarget t = fx.target(dir.toString());
      try (SshConnector connector =
              new SshConnector(t, fx.options(), HostKeyPolicy.of(t, dir), ClientIdentity.of(t));
          Connection c = connector.connect()) {
        assertTrue(c.isOpen());
        assertEquals(3, c.sftp().getVersion());
        assertEquals("aes128-gcm@openssh.com", c.cipher());
        assertEquals(1, c.number());
        assertEquals(
            SshClientFactory.WINDOW_SIZE,
            c.sftp().getChannel().getLocalWindow().getMaxSize(),
            "downloads keep 8 MiB of reads in flight");
        org.apache.sshd.common.io.nio2.Nio2Session io =
            (org.apache.sshd.common.io.nio2.Nio2Session) c.sftp().getClientSession().getIoSession();
        assertEquals(
            true,
            io.getSocket().getOption(java.net.StandardSocketOptions.TCP_NODELAY),
            "an upload's small requests leave at once, without waiting for a delayed ACK");
      }
    }
  }

  @Test
  void aLaneTheServerRefusesFallsBackToTheFirstChannel(@TempDir Path dir) throws IOException {
    try (SftpFixture fx = SftpFixture.start(dir)) {
      SftpTarget t = fx.target(dir.toString());
      try (SshConnector connector =
              new SshConnector(t, fx.options(), HostKeyPolicy.of(t, dir), ClientIdentity.of(t));
          Connection real = connector.connect()) {
        int[] asked = {0};
        Connection c =
            new Connection(
                real.session(),
                real.sftp(),
                s -> {
                  asked[0]++;
                  throw new IOException("open channel: administratively prohibited");
                },
                7);
        assertTrue(c.sftp(1) == c.sftp(0), "a refused lane uses the first channel");
        assertTrue(c.sftp(2) == c.sftp(0));
        assertEquals(1, asked[0], "a refusal is not asked again on this connection");
        assertTrue(c.isOpen());
        assertTrue(real.sftp(1) != real.sftp(0) && real.sftp(1).isOpen(), "a real second lane");
        assertTrue(real.sftp(1 + Connection.LANES) == real.sftp(1), "lanes wrap around");
      }
    }
  }

  @Test
  void aSilentServerTimesOutWithAMessage(@TempDir Path dir) throws IOException {
    try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      List<Socket> held = new ArrayList<>();
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    held.add(silent.accept()); // accepts, never speaks SSH
                  }
                } catch (IOException closed) {
                  // test over
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      SftpTarget t =
          new SftpTarget(
              "127.0.0.1",
              silent.getLocalPort(),
              "root",
              "pw",
              "/db",
              null,
              null,
              "SHA256:AAAA",
              null);
      SftpOptions o =
          SftpOptions.defaults()
              .withUserHome(dir)
              .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1));
      try (SshConnector connector =
          new SshConnector(t, o, HostKeyPolicy.of(t, dir), ClientIdentity.of(t))) {
        SftpStoreException e = assertThrows(SftpStoreException.class, connector::connect);
        assertEquals(
            "sftp://root@127.0.0.1:"
                + silent.getLocalPort()
                + "/db: no SSH handshake within 1s (is this an SSH server?)",
            e.getMessage());
        assertFalse(e.permanent(), "a slow server may answer next time");
      }
    }
  }

  @Test
  void connectFailuresAreNamedForOperators() {
    assertEquals(
        "connection refused (is replica-server running?)",
        SshConnector.describeConnect(
            new SshException("wrapped", new ConnectException("Connection refused"))));
    assertEquals(
        "unknown host (check the host name)",
        SshConnector.describeConnect(new UnknownHostException("nowhere.invalid")));
    assertEquals("something odd", SshConnector.describeConnect(new IOException("something odd")));
    assertEquals("IOException", SshConnector.describe(new IOException()));
  }

  @Test
  void anUnknownHostIsReported(@TempDir Path dir) throws IOException {
    SftpTarget t =
        new SftpTarget("nowhere.invalid", 22, "root", "pw", "", null, null, "SHA256:AAAA", null);
    try (SshConnector connector =
        new SshConnector(
            t,
            SftpOptions.defaults().withUserHome(dir),
            HostKeyPolicy.of(t, dir),
            ClientIdentity.of(t))) {
      SftpStoreException e = assertThrows(SftpStoreException.class, connector::connect);
      assertEquals(
          "sftp://root@nowhere.invalid:22: connect: unknown host (check the host name)",
          e.getMessage());
    }
  }
}
