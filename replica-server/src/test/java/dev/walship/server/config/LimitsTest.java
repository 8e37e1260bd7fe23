package dev.walship.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.server.MinaSftp;
import dev.walship.server.ServerFixture;
import dev.walship.server.content.LayoutContentValidator;
import dev.walship.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The limits, enforced by a real server: connections per user, open handles, idle timeout. */
class LimitsTest {
  @TempDir static Path dir;
  static ServerFixture f;

  @BeforeAll
  static void start() {
    f =
        ServerFixture.start(
            dir,
            Limits.DEFAULTS.toBuilder()
                .connectionsPerUser(1)
                .openHandles(3)
                .idleTimeout(Duration.ofMillis(1500))
                .shutdownGrace(Duration.ZERO)
                .build(),
            new LayoutContentValidator());
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @Test
  void defaultsAndValidation() {
    Limits d = Limits.DEFAULTS;
    assertTrue(
        d.connectionsPerUser() >= 200, "an agent with hundreds of databases, one connection each");
    assertEquals(
        new Limits(
            500,
            10,
            4096,
            16384,
            Duration.ofMinutes(10),
            Duration.ofSeconds(30),
            256,
            1024,
            Duration.ofSeconds(5)),
        d);
    assertTrue(
        d.unauthenticatedPerSource() < d.unauthenticated(), "one address cannot take every place");
    Limits.Builder b = d.toBuilder();
    assertThrows(IllegalArgumentException.class, () -> d.toBuilder().connectionsPerUser(0).build());
    assertThrows(
        IllegalArgumentException.class, () -> d.toBuilder().channelsPerConnection(0).build());
    assertThrows(IllegalArgumentException.class, () -> d.toBuilder().openHandles(0).build());
    assertThrows(IllegalArgumentException.class, () -> d.toBuilder().openHandlesPerUser(0).build());
    assertThrows(
        IllegalArgumentException.class, () -> d.toBuilder().unauthenticatedPerSource(0).build());
    assertThrows(IllegalArgumentException.class, () -> d.toBuilder().unauthenticated(-1).build());
    assertThrows(
        IllegalArgumentException.class, () -> d.toBuilder().idleTimeout(Duration.ZERO).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> d.toBuilder().loginGrace(Duration.ofSeconds(-1)).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> d.toBuilder().shutdownGrace(Duration.ofSeconds(-1)).build());
    assertEquals(d, b.build(), "a builder changes nothing it is not told to");
  }

  @Test
  void connectionsPerUserAndOpenHandles() throws Exception {
    try (MinaSftp first = MinaSftp.connect(f)) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> MinaSftp.connect(f));
      assertTrue(e.getMessage().contains("cannot connect"), e.getMessage());
      List<SftpClient.CloseableHandle> handles = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        handles.add(first.sftp.openDir("/"));
      }
      assertThrows(SftpException.class, () -> first.sftp.openDir("/db"));
      handles.get(0).close();
      first.sftp.openDir("/db").close();
    }
    Await.until(
        Duration.ofSeconds(15),
        "the first session to be gone",
        () -> {
          try (MinaSftp again = MinaSftp.connect(f)) {
            return true;
          } catch (IllegalStateException stillCounted) {
            return false;
          }
        });
  }

  @Test
  void idleSessionsAreClosed() throws Exception {
    Await.until(
        Duration.ofSeconds(15),
        "an idle session to be closed",
        () -> {
          try (MinaSftp m = MinaSftp.connect(f)) {
            long start = System.nanoTime();
            while (m.session.isOpen()
                && System.nanoTime() - start < Duration.ofSeconds(10).toNanos()) {
              Thread.sleep(50);
            }
            assertTrue(
                m.session.isClosed() || m.session.isClosing(), "closed after the idle timeout");
            assertTrue(
                System.nanoTime() - start >= Duration.ofMillis(1000).toNanos(), "not before it");
            return true;
          } catch (IllegalStateException previousSessionStillCounted) {
            return false;
          }
        });
  }
}
