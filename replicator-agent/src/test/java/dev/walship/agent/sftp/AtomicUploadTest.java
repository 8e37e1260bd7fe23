package dev.walship.agent.sftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Layout;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.store.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The steps of an atomic upload as a server sees them (MINA's SFTP server records every file
 * operation): open the temporary name, fsync, set the mtime, posix-rename over the final name; and
 * the fallback on a server without the OpenSSH extensions. (OpenSSH's internal-sftp cannot log its
 * requests without syslog; {@link SftpReplicaStoreTest} checks the result against it.)
 */
class AtomicUploadTest {
  private static final Generation GEN = Generation.parse("00000000000000b1");
  private static final SnapshotName SNAP = new SnapshotName(GEN, 4);
  private static final String TEMP = "/db/" + Layout.tempPath(SNAP);
  private static final String FINAL = "/db/" + SNAP.path();

  private static SftpReplicaStore store(MinaSftpServer mina, Path home) throws IOException {
    return SftpReplicaStore.open(
        mina.target("/db", MinaSftpServer.PASSWORD), SftpOptions.defaults().withUserHome(home));
  }

  @Test
  void opensSyncsSetsMtimeAndPosixRenamesInThatOrder(@TempDir Path dir) throws IOException {
    Path root = Files.createDirectories(dir.resolve("root"));
    try (MinaSftpServer mina = MinaSftpServer.start(dir, root, true);
        SftpReplicaStore store = store(mina, dir)) {
      Instant t = Instant.parse("2026-11-27T12:00:00Z");
      store.write(SNAP, t, out -> out.write(new byte[300_000]));
      List<String> events =
          mina.events().stream().filter(e -> !e.endsWith(" []")).toList(); // no mkdir -p
      assertEquals(
          List.of(
              "open " + TEMP,
              "extension fsync@openssh.com",
              "setstat " + TEMP + " [lastAccessTime, lastModifiedTime]",
              "extension posix-rename@openssh.com",
              "move " + TEMP + " " + FINAL + " [ATOMIC_MOVE, REPLACE_EXISTING]"),
          events,
          "server events: " + mina.events());
      assertEquals(
          t, Files.getLastModifiedTime(root.resolve("db").resolve(SNAP.path())).toInstant());
    }
  }

  @Test
  void withoutOpenSshExtensionsTheOldFileIsRemovedThenRenamed(@TempDir Path dir)
      throws IOException {
    Path root = Files.createDirectories(dir.resolve("root"));
    try (MinaSftpServer mina = MinaSftpServer.start(dir, root, false);
        SftpReplicaStore store = store(mina, dir)) {
      byte[] first = "first".getBytes();
      byte[] second = "second, longer".getBytes();
      store.write(SNAP, Instant.parse("2026-11-27T12:00:00Z"), out -> out.write(first));
      mina.clearEvents();
      Entry e = store.write(SNAP, Instant.parse("2026-11-27T12:00:09Z"), out -> out.write(second));
      assertEquals(
          new Entry(SNAP.fileName(), false, second.length, Instant.parse("2026-11-27T12:00:09Z")),
          e);
      assertEquals(
          List.of(
              "open " + TEMP,
              "setstat " + TEMP + " [lastAccessTime, lastModifiedTime]",
              "remove " + FINAL,
              "move " + TEMP + " " + FINAL + " []"),
          mina.events());
      assertArrayEquals(second, Files.readAllBytes(root.resolve("db").resolve(SNAP.path())));
      assertFalse(Files.exists(root.resolve("db").resolve(Layout.tempPath(SNAP))));
    }
  }

  @Test
  void aRefusedWriteNamesTheFileAndDoesNotAskForContent(@TempDir Path dir) throws IOException {
    Path root = Files.createDirectories(dir.resolve("root"));
    Files.createDirectories(root.resolve("db"));
    Files.writeString(root.resolve("db/generations"), "a file where a directory should be");
    try (MinaSftpServer mina = MinaSftpServer.start(dir, root, true);
        SftpReplicaStore store = store(mina, dir)) {
      int[] calls = {0};
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  store.write(
                      SNAP,
                      Instant.EPOCH,
                      out -> {
                        calls[0]++;
                        out.write(1);
                      }));
      assertTrue(
          e.getMessage()
              .startsWith(
                  "sftp://walship@127.0.0.1:" + mina.port() + "/db/" + SNAP.path() + ": write: "),
          e.getMessage());
      assertEquals(0, calls[0], "refused before any content was asked for");
    }
  }
}
