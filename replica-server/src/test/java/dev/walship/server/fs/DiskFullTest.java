package dev.walship.server.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.server.LogCapture;
import dev.walship.server.MinaSftp;
import dev.walship.server.ServerFixture;
import dev.walship.testing.Tmpfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, finding 9, the server's side: with the user's disk full (a real 2 MiB tmpfs), the SFTP
 * status says "no space left on device", the log says so once per episode with the path and the
 * free space, nothing half-written is published or left behind, and the next write that fits works.
 */
class DiskFullTest {
  static final int MIB = 1 << 20;
  @TempDir static Path dir;
  static Tmpfs disk;
  static ServerFixture f;
  static LogCapture log;

  @BeforeAll
  static void start() throws IOException {
    log = LogCapture.start();
    disk = Tmpfs.mount(Files.createDirectories(dir.resolve("data/replicator/db")), 2 * MIB);
    f = ServerFixture.start(dir);
  }

  @AfterAll
  static void stop() {
    try {
      f.close();
      disk.close();
    } finally {
      log.close();
    }
  }

  private static void put(MinaSftp m, String path, int bytes) throws IOException {
    try (CloseableHandle h =
        m.sftp.open(path, OpenMode.Write, OpenMode.Create, OpenMode.Truncate)) {
      byte[] chunk = new byte[64 * 1024];
      for (int at = 0; at < bytes; at += chunk.length) {
        m.sftp.write(h, at, chunk);
      }
    }
  }

  private static List<Path> files() throws IOException {
    try (Stream<Path> s = Files.walk(f.root.resolve("db"))) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void aFullDiskIsNamedToTheClientAndOncePerEpisodeInTheLog() throws Exception {
    try (MinaSftp m = MinaSftp.connect(f)) {
      for (int episode = 1; episode <= 2; episode++) {
        for (String name : List.of("/db/filler", "/db/filler2")) {
          SftpException e = assertThrows(SftpException.class, () -> put(m, name, 3 * MIB));
          assertTrue(e.getMessage().contains("no space left on device"), e.getMessage());
        }
        assertEquals(List.of(), files(), "nothing half-written published or left behind");
        assertEquals(episode, log.containing("disk full").size(), String.join("\n", log.lines()));
        String warning = log.containing("disk full").get(episode - 1);
        assertTrue(
            warning.matches(
                ".* WARN DiskSpace - disk full: cannot write "
                    + f.root.resolve("db/filler")
                    + ": no space left on device \\(\\d+ bytes free on .*tmpfs.*\\)"),
            warning);
        put(m, "/db/small", 64 * 1024);
        log.await("disk has room again");
        assertEquals(episode, log.containing("disk has room again").size());
        m.sftp.remove("/db/small");
      }
    }
  }
}
