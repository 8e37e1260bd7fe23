package dev.walship.server.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.server.ServerFixture;
import dev.walship.server.config.Limits;
import dev.walship.server.content.LayoutContentValidator;
import dev.walship.testing.Await;
import dev.walship.testing.Proc;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections that have not logged in: at most {@code unauthenticated-per-source} per address and
 * {@code unauthenticated} in all, each for at most {@code login-grace}; the others are closed
 * before the server says a word. Raw TCP sockets from 127.0.0.1 and other loopback addresses.
 */
class AdmissionTest {
  private static final Duration GRACE = Duration.ofSeconds(2);
  @TempDir static Path dir;
  static ServerFixture f;

  @BeforeAll
  static void start() {
    f =
        ServerFixture.start(
            dir,
            Limits.DEFAULTS.toBuilder()
                .unauthenticatedPerSource(3)
                .unauthenticated(5)
                .loginGrace(GRACE)
                .build(),
            new LayoutContentValidator());
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  /** A raw connection from {@code local} that says nothing. */
  private static Socket connect(String local) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(local, 0));
    s.connect(new InetSocketAddress("127.0.0.1", f.server.port()), 10_000);
    s.setSoTimeout(10_000);
    return s;
  }

  /** The server's first line, or null when it closed the connection without one. */
  private static String firstLine(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c >= 0; c = in.read()) {
      if (c == '\n') {
        return line.toString().trim();
      }
      line.append((char) c);
    }
    return line.length() == 0 ? null : line.toString();
  }

  private static void closeAll(List<Socket> sockets) throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
  }

  private static Proc.Result loginFrom(String local) {
    return f.client.with("-o", "BindAddress=" + local).sftp(f.dir, "pwd");
  }

  @Test
  void perSourceAndTotalCapsCloseTheRestAtOnce() throws Exception {
    List<Socket> open = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        open.add(connect("127.0.0.1"));
        assertEquals("SSH-2.0-replica-server", firstLine(open.get(i)));
      }
      try (Socket fourth = connect("127.0.0.1")) {
        assertEquals(null, firstLine(fourth), "closed before the identification");
      }
      Proc.Result other = loginFrom("127.0.0.2");
      assertEquals(0, other.exit(), "another address logs in: " + other);
      for (int i = 0; i < 2; i++) {
        open.add(connect("127.0.0.3"));
        assertEquals("SSH-2.0-replica-server", firstLine(open.get(3 + i)));
      }
      try (Socket sixth = connect("127.0.0.4")) {
        assertEquals(null, firstLine(sixth), "5 not logged in, in all: the 6th is closed");
      }
      open.remove(0).close();
      Await.until(
          Duration.ofSeconds(30),
          "a place for 127.0.0.1 again",
          () -> {
            try (Socket again = connect("127.0.0.1")) {
              return "SSH-2.0-replica-server".equals(firstLine(again));
            }
          });
    } finally {
      closeAll(open);
    }
  }

  @Test
  void aConnectionThatDoesNotLogInWithinTheGraceIsClosed() throws Exception {
    // Connections the other test closed are counted until the server has seen them close.
    Socket[] admitted = new Socket[1];
    long[] start = new long[1];
    Await.until(
        Duration.ofSeconds(30),
        "a place for a connection",
        () -> {
          // Before the connect: the server's grace starts at its accept, which may come first.
          start[0] = System.nanoTime();
          Socket s = connect("127.0.0.5");
          if ("SSH-2.0-replica-server".equals(firstLine(s))) {
            admitted[0] = s;
            return true;
          }
          s.close();
          return false;
        });
    try (Socket idle = admitted[0]) {
      int next;
      try {
        next = idle.getInputStream().read();
        while (next >= 0) {
          next = idle.getInputStream().read();
        }
      } catch (SocketTimeoutException e) {
        throw new AssertionError("still open after 10 s: the login grace is " + GRACE, e);
      } catch (IOException reset) {
        next = -1;
      }
      Duration open = Duration.ofNanos(System.nanoTime() - start[0]);
      assertTrue(open.compareTo(GRACE) >= 0, "not before the grace: " + open);
    }
  }
}
