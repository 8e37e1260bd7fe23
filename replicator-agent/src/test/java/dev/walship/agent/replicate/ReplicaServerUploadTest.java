package dev.walship.agent.replicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.sftp.SftpReplicaStore;
import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Layout;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.lz4.Lz4;
import dev.walship.format.store.ContentWriter;
import dev.walship.format.store.Entry;
import dev.walship.testing.Sqlite;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipelined upload against replica-server: the mtime travels as FSETSTAT on the open handle
 * (the server applies it to the staged file, which CLOSE publishes), and a snapshot of many writes
 * lands byte-exact, validated, under its final name only.
 */
class ReplicaServerUploadTest {
  @TempDir Path tmp;

  @Test
  void aSnapshotOfManyWritesLandsWholeWithItsMtime() throws Exception {
    Path db = tmp.resolve("big.db");
    try (Connection c = Sqlite.openWal(db, 0)) {
      Sqlite.exec(c, "create table t(x)");
      for (int i = 0; i < 40; i++) {
        Sqlite.exec(c, "insert into t values(randomblob(100000))"); // incompressible: ~4 MB
      }
      Sqlite.exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
    }
    byte[] raw = Files.readAllBytes(db);
    SnapshotName snap = new SnapshotName(Generation.parse("00000000000000c1"), 0);
    Instant t = Instant.parse("2026-11-27T12:00:07Z");
    try (TestServer server = TestServer.start(tmp);
        SftpReplicaStore store = server.store("app")) {
      Entry e =
          store.write(
              snap,
              t,
              out -> {
                try (OutputStream z = Lz4.compressing(out)) {
                  z.write(raw);
                }
              });
      Path onDisk = server.replicaDir("app").resolve(snap.path());
      assertEquals(t, Files.getLastModifiedTime(onDisk).toInstant());
      assertEquals(e.size(), Files.size(onDisk));
      try (InputStream in = Lz4.decompressing(Files.newInputStream(onDisk))) {
        assertArrayEquals(raw, in.readAllBytes());
      }
      assertEquals(List.of(e), store.list(parent(snap.path())));
      assertFalse(Files.exists(server.replicaDir("app").resolve(Layout.tempPath(snap))));
    }
  }

  /**
   * The agent writes the final name directly (replica-server publishes on CLOSE); a content writer
   * that fails halfway still closes the handle, and the server refuses the half it got: the old
   * file stays as it was.
   */
  @Test
  void anUploadWhoseContentFailsHalfwayLeavesTheOldFile() throws Exception {
    SnapshotName snap = new SnapshotName(Generation.parse("00000000000000c2"), 0);
    byte[] page = new byte[4096];
    try (Connection c = Sqlite.openWal(tmp.resolve("small.db"), 0)) {
      Sqlite.exec(c, "create table t(x)");
      Sqlite.exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
    }
    byte[] raw = Files.readAllBytes(tmp.resolve("small.db"));
    try (TestServer server = TestServer.start(tmp);
        SftpReplicaStore store = server.store("app")) {
      Instant t = Instant.parse("2026-11-27T12:00:07Z");
      store.write(snap, t, lz4(raw));
      Path onDisk = server.replicaDir("app").resolve(snap.path());
      byte[] old = Files.readAllBytes(onDisk);
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  store.write(
                      snap,
                      t.plusSeconds(1),
                      out -> {
                        OutputStream z = Lz4.compressingKeepOpen(out);
                        z.write(raw);
                        z.write(page);
                        z.flush();
                        throw new IOException("the shadow WAL went away");
                      }));
      assertEquals("the shadow WAL went away", e.getMessage());
      assertArrayEquals(old, Files.readAllBytes(onDisk));
      assertEquals(t, Files.getLastModifiedTime(onDisk).toInstant());
    }
  }

  /**
   * A small file goes as one put-file request into a generation whose directories do not exist yet
   * (made on the way), lands byte-exact with its mtime; content the server's validator refuses
   * fails the write with the server's reason and keeps the old file.
   */
  @Test
  void aSmallFileIsPutWholeAndARefusedOneKeepsTheOldFile() throws Exception {
    SnapshotName snap = new SnapshotName(Generation.parse("00000000000000c3"), 0);
    try (Connection c = Sqlite.openWal(tmp.resolve("tiny.db"), 0)) {
      Sqlite.exec(c, "create table t(x)");
      Sqlite.exec(c, "insert into t values('tiny')");
      Sqlite.exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
    }
    byte[] raw = Files.readAllBytes(tmp.resolve("tiny.db"));
    Instant t = Instant.parse("2026-11-27T12:00:09Z");
    try (TestServer server = TestServer.start(tmp);
        SftpReplicaStore store = server.store("app")) {
      Entry e = store.write(snap, t, lz4(raw));
      Path onDisk = server.replicaDir("app").resolve(snap.path());
      assertEquals(t, Files.getLastModifiedTime(onDisk).toInstant());
      assertEquals(List.of(e), store.list(parent(snap.path())));
      try (InputStream in = Lz4.decompressing(Files.newInputStream(onDisk))) {
        assertArrayEquals(raw, in.readAllBytes());
      }
      byte[] old = Files.readAllBytes(onDisk);
      IOException refused =
          assertThrows(
              IOException.class,
              () -> store.write(snap, t.plusSeconds(1), out -> out.write(new byte[] {1, 2, 3})));
      assertTrue(
          refused.getMessage().contains("/" + snap.path() + ": write: the server refused: "),
          refused.getMessage());
      assertArrayEquals(old, Files.readAllBytes(onDisk));
      assertEquals(t, Files.getLastModifiedTime(onDisk).toInstant());
    }
  }

  /** Content that is {@code raw} as one LZ4 frame. */
  private static ContentWriter lz4(byte[] raw) {
    return out -> {
      try (OutputStream z = Lz4.compressingKeepOpen(out)) {
        z.write(raw);
      }
    };
  }

  private static String parent(String path) {
    return path.substring(0, path.lastIndexOf('/'));
  }
}
