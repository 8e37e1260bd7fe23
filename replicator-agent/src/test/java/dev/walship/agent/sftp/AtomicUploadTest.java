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
import dev.walship.format.store.PutFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The steps of an atomic upload as a server sees them (MINA's SFTP server records every request and
 * file operation): open the temporary name; the writes, FSTAT, FSETSTAT of the mtime, fsync and
 * CLOSE sent in one go; posix-rename over the final name only once all of those succeeded; and the
 * fallback on a server without the OpenSSH extensions. (OpenSSH's internal-sftp cannot log its
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

  private static final String WHERE_PREFIX = "sftp://walship@127.0.0.1:";

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  /** A server whose replica directories exist, so an upload needs no mkdir. */
  private static MinaSftpServer serverWithDirectories(Path dir, Path root) throws IOException {
    Files.createDirectories(root.resolve("db").resolve(SNAP.path()).getParent());
    return MinaSftpServer.start(dir, root, true);
  }

  @Test
  void aServerThatPublishesOnCloseGetsTheFinalNameInTwoRoundTrips(@TempDir Path dir)
      throws IOException {
    Path root = Files.createDirectories(dir.resolve("root"));
    Files.createDirectories(root.resolve("db").resolve(SNAP.path()).getParent());
    try (MinaSftpServer mina = MinaSftpServer.announcingPublishOnClose(dir, root);
        SftpReplicaStore store = store(mina, dir)) {
      store.checkAccess();
      mina.clearEvents();
      mina.holdFirstWriteUntilClose();
      byte[] content = random(300_000, 2);
      store.write(SNAP, Instant.parse("2026-11-27T12:00:00Z"), out -> out.write(content));
      assertEquals(
          List.of("OPEN", "WRITE", "WRITE", "FSTAT", "FSETSTAT", "CLOSE"), mina.requests());
      assertEquals(List.of("WRITE", "FSTAT", "FSETSTAT", "CLOSE"), mina.queuedAtFirstWrite());
      assertEquals("open /db/" + SNAP.path(), mina.events().get(0));
      assertArrayEquals(content, Files.readAllBytes(root.resolve("db").resolve(SNAP.path())));
      // A failed attempt removes nothing: the server kept the old file (here: the one just
      // written).
      mina.refuse("WRITE");
      assertThrows(
          IOException.class,
          () ->
              store.write(SNAP, Instant.parse("2026-11-27T12:00:01Z"), out -> out.write(content)));
      assertFalse(mina.requests().contains("REMOVE"), "nothing removed: " + mina.requests());
    }
  }

  /**
   * To a server that announces put-file, a file that fits one request is that request alone (the
   * test server announces it without doing it, so the upload is refused); one byte more streams.
   */
  @Test
  void aFileThatFitsOnePutFileIsOneRequestALargerOneStreams(@TempDir Path dir) throws IOException {
    Path root = Files.createDirectories(dir.resolve("root"));
    Files.createDirectories(root.resolve("db").resolve(SNAP.path()).getParent());
    Instant t = Instant.parse("2026-11-27T12:00:00Z");
    try (MinaSftpServer mina = MinaSftpServer.announcingPutFile(dir, root);
        SftpReplicaStore store = store(mina, dir)) {
      store.checkAccess();
      mina.clearEvents();
      byte[] fits = random(PutFile.MAX_CONTENT, 3);
      IOException refused =
          assertThrows(IOException.class, () -> store.write(SNAP, t, out -> out.write(fits)));
      assertEquals(List.of("EXTENDED " + PutFile.NAME), mina.requests());
      assertTrue(
          refused.getMessage().contains(FINAL + ": write: the server refused: "),
          refused.getMessage());
      assertFalse(Files.exists(root.resolve("db").resolve(SNAP.path())));
      mina.clearEvents();
      byte[] larger = random(PutFile.MAX_CONTENT + 1, 4);
      store.write(
          SNAP,
          t,
          out -> {
            out.write(larger, 0, 1000);
            out.write(larger, 1000, larger.length - 1000);
          });
      assertEquals(List.of("OPEN", "WRITE", "FSTAT", "FSETSTAT", "CLOSE"), mina.requests());
      assertArrayEquals(larger, Files.readAllBytes(root.resolve("db").resolve(SNAP.path())));
    }
  }

  @Test
  void threeRoundTripsOpenThenEverythingUpToCloseThenRename(@TempDir Path dir) throws IOException {
    Path root = Files.createDirectories(dir.resolve("root"));
    try (MinaSftpServer mina = serverWithDirectories(dir, root);
        SftpReplicaStore store = store(mina, dir)) {
      store.checkAccess(); // connected: INIT is done
      mina.clearEvents();
      mina.holdFirstWriteUntilClose();
      byte[] content = random(300_000, 1); // two writes
      store.write(SNAP, Instant.parse("2026-11-27T12:00:00Z"), out -> out.write(content));
      assertEquals(
          List.of(
              "OPEN",
              "WRITE",
              "WRITE",
              "FSTAT",
              "FSETSTAT",
              "EXTENDED fsync@openssh.com",
              "CLOSE",
              "EXTENDED posix-rename@openssh.com"),
          mina.requests());
      // round trip 2 is one: everything up to CLOSE was sent before the first write was answered
      assertEquals(
          List.of("WRITE", "FSTAT", "FSETSTAT", "EXTENDED fsync@openssh.com", "CLOSE"),
          mina.queuedAtFirstWrite());
      assertArrayEquals(content, Files.readAllBytes(root.resolve("db").resolve(SNAP.path())));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"WRITE", "FSTAT", "FSETSTAT", "EXTENDED fsync@openssh.com", "CLOSE"})
  void aRefusedRequestFailsTheUploadAndTheFinalNameKeepsItsOldContent(
      String refused, @TempDir Path dir) throws IOException {
    Path root = Files.createDirectories(dir.resolve("root"));
    Path finalPath = root.resolve("db").resolve(SNAP.path());
    try (MinaSftpServer mina = serverWithDirectories(dir, root);
        SftpReplicaStore store = store(mina, dir)) {
      byte[] old = random(1000, 2);
      store.write(SNAP, Instant.parse("2026-11-27T12:00:00Z"), out -> out.write(old));
      mina.clearEvents();
      mina.refuse(refused);
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  store.write(
                      SNAP,
                      Instant.parse("2026-11-27T12:00:09Z"),
                      out -> out.write(random(300_000, 3))));
      String step =
          switch (refused) {
            case "WRITE" -> "write at offset 0";
            case "EXTENDED fsync@openssh.com" -> "fsync";
            default -> refused.toLowerCase(Locale.ROOT);
          };
      assertEquals(
          WHERE_PREFIX
              + mina.port()
              + FINAL
              + ": write: "
              + step
              + ": the server refused: refused by the test",
          e.getMessage());
      assertFalse(
          mina.requests().contains("EXTENDED posix-rename@openssh.com"),
          "never renamed: " + mina.requests());
      assertArrayEquals(old, Files.readAllBytes(finalPath));
      assertFalse(Files.exists(root.resolve("db").resolve(Layout.tempPath(SNAP))));
      // the channel holds no stale replies: the next upload on the same connection works
      mina.refuse(null);
      byte[] next = random(5000, 4);
      store.write(SNAP, Instant.parse("2026-11-27T12:00:10Z"), out -> out.write(next));
      assertArrayEquals(next, Files.readAllBytes(finalPath));
      assertEquals(1, store.connectionNumber());
    }
  }

  /**
   * OpenSSH's own sftp-server denying one request ({@code -P}): the same, on a plain server. (With
   * {@code -P fsync} OpenSSH 9.2 stops offering {@code fsync@openssh.com}, so the client does not
   * send it; a refused fsync is covered by the MINA server above.)
   */
  @ParameterizedTest
  @ValueSource(strings = {"write", "fstat", "fsetstat", "close"})
  void openSshDenyingOneRequestFailsTheUploadAndKeepsTheOldFile(String denied, @TempDir Path dir)
      throws IOException {
    Path root = Files.createDirectories(dir.resolve("replica"));
    Path finalPath = root.resolve(SNAP.path());
    byte[] old = random(1000, 6);
    Files.createDirectories(finalPath.getParent());
    Files.write(finalPath, old);
    try (SftpFixture fx =
            SftpFixture.start(
                dir.resolve("sshd"), b -> b.config("ForceCommand internal-sftp -P " + denied));
        SftpReplicaStore store = fx.store(root.toString())) {
      IOException e =
          assertThrows(
              IOException.class,
              () -> store.write(SNAP, Instant.EPOCH, out -> out.write(random(600_000, 7))));
      String step = denied.equals("write") ? "write at offset 0" : denied;
      assertEquals(
          "sftp://root@127.0.0.1:"
              + fx.server.port()
              + root
              + "/"
              + SNAP.path()
              + ": write: "
              + step
              + ": permission denied by the server (may this user write there?)",
          e.getMessage());
      assertArrayEquals(old, Files.readAllBytes(finalPath), "the final name keeps the old file");
      assertFalse(Files.exists(root.resolve(Layout.tempPath(SNAP))));
    }
  }

  @Test
  void aServerThatLosesWritesFailsTheSizeCheck(@TempDir Path dir) throws IOException {
    Path root = Files.createDirectories(dir.resolve("root"));
    try (MinaSftpServer mina = serverWithDirectories(dir, root);
        SftpReplicaStore store = store(mina, dir)) {
      mina.ignore("WRITE");
      IOException e =
          assertThrows(
              IOException.class,
              () -> store.write(SNAP, Instant.EPOCH, out -> out.write(new byte[300_000])));
      assertEquals(
          WHERE_PREFIX + mina.port() + FINAL + ": write: the server stored 0 bytes of 300000 sent",
          e.getMessage());
      assertFalse(mina.requests().contains("EXTENDED posix-rename@openssh.com"));
      assertFalse(Files.exists(root.resolve("db").resolve(SNAP.path())));
      assertFalse(Files.exists(root.resolve("db").resolve(Layout.tempPath(SNAP))));
    }
  }

  @Test
  void aLargeFileArrivesByteExact(@TempDir Path dir) throws IOException {
    Path root = Files.createDirectories(dir.resolve("root"));
    try (MinaSftpServer mina = serverWithDirectories(dir, root);
        SftpReplicaStore store = store(mina, dir)) {
      byte[] content = random(7_654_321, 5); // 30 writes, more than are ever in flight
      Entry e =
          store.write(
              SNAP,
              Instant.parse("2026-11-27T12:00:00Z"),
              out -> {
                for (int at = 0; at < content.length; at += 10_007) {
                  out.write(content, at, Math.min(10_007, content.length - at));
                }
              });
      assertEquals(content.length, e.size());
      assertArrayEquals(content, Files.readAllBytes(root.resolve("db").resolve(SNAP.path())));
      assertEquals(
          (content.length + SftpReplicaStore.BUFFER_SIZE - 1) / SftpReplicaStore.BUFFER_SIZE,
          mina.requests().stream().filter(r -> r.equals("WRITE")).count());
    }
  }

  @Test
  void aRefusedWriteStopsALargeFileEarly(@TempDir Path dir) throws IOException {
    Path root = Files.createDirectories(dir.resolve("root"));
    try (MinaSftpServer mina = serverWithDirectories(dir, root);
        SftpReplicaStore store = store(mina, dir)) {
      mina.refuse("WRITE");
      long[] accepted = {0};
      byte[] chunk = new byte[65536];
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  store.write(
                      SNAP,
                      Instant.EPOCH,
                      out -> {
                        for (int i = 0; i < 1600; i++) { // 100 MiB
                          out.write(chunk);
                          accepted[0] += chunk.length;
                        }
                      }));
      assertTrue(
          e.getMessage()
              .endsWith(": write: write at offset 0: the server refused: refused by the test"),
          e.getMessage());
      assertTrue(
          accepted[0] <= (PipelinedFile.WRITES_IN_FLIGHT + 1L) * SftpReplicaStore.BUFFER_SIZE,
          "stopped after the writes in flight, not at the end: " + accepted[0]);
      assertFalse(Files.exists(root.resolve("db").resolve(SNAP.path())));
    }
  }

  @Test
  void opensSetsMtimeSyncsAndPosixRenamesInThatOrder(@TempDir Path dir) throws IOException {
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
              "setstat " + TEMP + " [lastAccessTime, lastModifiedTime]",
              "extension fsync@openssh.com",
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
