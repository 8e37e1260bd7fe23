package dev.walship.agent.restore;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.layout.WalSegmentName;
import dev.walship.format.lz4.Lz4;
import dev.walship.format.store.FileReplicaStore;
import dev.walship.format.wal.WalReader;
import dev.walship.testing.Sqlite;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;

/**
 * A replica written by hand from what SQLite wrote: snapshot 0 of an empty table, then WAL index 0
 * cut into one segment per commit ({@code rows} single-row transactions), each a millisecond newer.
 * Deterministic, unlike a replica written by a live agent, for tests that need a given shape.
 */
public final class SyntheticReplica {
  public static final Generation GENERATION = Generation.parse("0123456789abcdef");
  public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  /** The dump of the source after every row: what a restore of the whole replica must give. */
  public final String dump;

  public final int segments;

  private SyntheticReplica(String dump, int segments) {
    this.dump = dump;
    this.segments = segments;
  }

  /** Writes the replica into {@code root}, using {@code work} for the source database. */
  public static SyntheticReplica write(Path root, Path work, int rows) throws Exception {
    return write(root, work, rows, 0);
  }

  /**
   * Like {@link #write(Path, Path, int)}, each row a random blob of {@code blobBytes} (0: the text
   * {@code 'row i'}), so that segments can be made megabytes large.
   */
  public static SyntheticReplica write(Path root, Path work, int rows, int blobBytes)
      throws Exception {
    Path src = work.resolve("synthetic-src-" + System.nanoTime() + ".db");
    byte[] snapshot;
    byte[] wal;
    try (Connection c = Sqlite.openWal(src, 0)) {
      Sqlite.exec(c, "create table t(x)", "PRAGMA wal_checkpoint(TRUNCATE)");
      snapshot = Files.readAllBytes(src);
      for (int i = 0; i < rows; i++) {
        Sqlite.exec(
            c,
            blobBytes > 0
                ? "insert into t values(randomblob(" + blobBytes + "))"
                : "insert into t values('row " + i + "')");
      }
      wal = Files.readAllBytes(Path.of(src + "-wal"));
    }
    String dump = Sqlite.dump(src);
    FileReplicaStore store = new FileReplicaStore(root);
    store.write(
        new SnapshotName(GENERATION, 0), START, out -> lz4(out, snapshot, 0, snapshot.length));
    WalReader reader = WalReader.open(new ByteArrayInputStream(wal));
    long from = 0;
    int segments = 0;
    while (reader.next()) {
      if (reader.frameHeader().isCommit()) {
        long f = from;
        long to = reader.offset();
        store.write(
            new WalSegmentName(GENERATION, 0, from),
            START.plusMillis(1 + segments),
            out -> lz4(out, wal, (int) f, (int) to));
        from = to;
        segments++;
      }
    }
    return new SyntheticReplica(dump, segments);
  }

  private static void lz4(OutputStream out, byte[] b, int from, int to) throws IOException {
    OutputStream z = Lz4.compressingKeepOpen(out);
    z.write(b, from, to - from);
    z.close();
  }
}
