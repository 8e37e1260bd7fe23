package dev.walship.server.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.server.MinaSftp;
import dev.walship.server.ReplicaServer;
import dev.walship.server.ServerFixture;
import dev.walship.server.content.LayoutContentValidator;
import dev.walship.testing.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-user {@code quota}: uploads past it are refused with a message saying so, and leave nothing.
 */
class QuotaTest {
  static final int KIB = 1024;
  @TempDir static Path dir;
  static ServerFixture f;

  @BeforeAll
  static void start() {
    f =
        ServerFixture.start(
            dir, new LayoutContentValidator(), u -> u.withQuota(100 * KIB), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private static void put(MinaSftp m, String path, int bytes) throws IOException {
    try (CloseableHandle h =
        m.sftp.open(path, OpenMode.Write, OpenMode.Create, OpenMode.Truncate)) {
      m.sftp.write(h, 0, new byte[bytes]);
    }
  }

  private static List<Path> files() throws IOException {
    try (Stream<Path> s = Files.walk(f.root.resolve("db"))) {
      return s.filter(Files::isRegularFile).map(f.root::relativize).sorted().toList();
    }
  }

  @Test
  void uploadsPastTheQuotaAreRefusedAndRoomComesBackWithRemovals() throws Exception {
    try (MinaSftp m = MinaSftp.connect(f)) {
      put(m, "/db/a", 60 * KIB);
      SftpException e = assertThrows(SftpException.class, () -> put(m, "/db/b", 60 * KIB));
      assertEquals(SftpConstants.SSH_FX_FAILURE, e.getStatus());
      assertTrue(
          e.getMessage()
              .matches(
                  "General failure: quota exceeded: user replicator uses \\d+ of its 102400 bytes; \\d+ more refused"),
          e.getMessage());
      assertEquals(List.of(Path.of("db/a")), files(), "the refused upload left nothing");
      assertThrows(
          SftpException.class,
          () -> put(m, "/db/a", 50 * KIB),
          "a replacement needs room for both copies");
      put(m, "/db/a", 30 * KIB);
      put(m, "/db/b", 60 * KIB);
    }
    Files.writeString(dir.resolve("big.txt"), "x".repeat(20 * KIB));
    Proc.Result r = f.client.sftp(f.dir, "put big.txt db/c");
    assertTrue(r.exit() != 0, r.toString());
    assertFalse(Files.exists(f.root.resolve("db/c")));

    // The usage is counted again from disk at start-up.
    try (ReplicaServer again =
            ReplicaServer.start(f.config, new LayoutContentValidator(), Clock.systemUTC());
        MinaSftp m =
            MinaSftp.connect(
                again.port(), ServerFixture.USER, f.key.privateKey(), again.hostKeyFingerprint())) {
      SftpException full = assertThrows(SftpException.class, () -> put(m, "/db/d", 20 * KIB));
      assertTrue(full.getMessage().contains("uses 92160 of its 102400 bytes"), full.getMessage());
      m.sftp.remove("/db/a");
      put(m, "/db/d", 20 * KIB);
    }
    assertEquals(List.of(Path.of("db/b"), Path.of("db/d")), files());
  }
}
