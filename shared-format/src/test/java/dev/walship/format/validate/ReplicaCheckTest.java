package dev.walship.format.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Layout;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.layout.WalSegmentName;
import dev.walship.format.lz4.Lz4;
import dev.walship.format.store.FileReplicaStore;
import dev.walship.format.wal.WalHeader;
import dev.walship.testing.Sqlite;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replica trees assembled from a WAL and a database SQLite wrote, then broken one way each. */
class ReplicaCheckTest {
  static final Generation G = Generation.parse("0123012301230123");
  static final Instant T = Instant.parse("2026-05-05T05:05:05Z");
  @TempDir Path tmp;
  FileReplicaStore store;
  byte[] wal;
  byte[] db;
  int fs;

  @BeforeEach
  void sources() throws Exception {
    Path src = tmp.resolve("src.db");
    wal = Sqlite.writeWal(src, 10, 700);
    fs = WalHeader.parse(wal, 0).frameSize();
    Path snapDb = tmp.resolve("snap.db");
    try (Connection c = Sqlite.openWal(snapDb, 1000)) {
      Sqlite.exec(c, "create table t(x)", "PRAGMA wal_checkpoint(TRUNCATE)");
    }
    db = Files.readAllBytes(snapDb);
    store = new FileReplicaStore(tmp.resolve("replica"));
  }

  private void put(WalSegmentName n, int from, int to) throws IOException {
    store.write(
        n,
        T,
        out -> {
          OutputStream z = Lz4.compressingKeepOpen(out);
          z.write(wal, from, to - from);
          z.close();
        });
  }

  private void putSnapshot(SnapshotName n) throws IOException {
    store.write(
        n,
        T,
        out -> {
          OutputStream z = Lz4.compressingKeepOpen(out);
          z.write(db);
          z.close();
        });
  }

  /** Snapshot 0 and index 0 in three contiguous segments. */
  private void soundTree() throws IOException {
    putSnapshot(new SnapshotName(G, 0));
    int a = 32 + 2 * fs;
    int b = 32 + 5 * fs;
    put(new WalSegmentName(G, 0, 0), 0, a);
    put(new WalSegmentName(G, 0, a), a, b);
    put(new WalSegmentName(G, 0, b), b, wal.length);
  }

  @Test
  void aSoundTreeHasNoProblems() throws IOException {
    soundTree();
    ReplicaCheck.Report r = ReplicaCheck.check(store);
    assertEquals(List.of(), r.problems());
    assertEquals(1, r.snapshots());
    assertEquals(3, r.segments());
    assertTrue(r.ok());
  }

  @Test
  void aMissingMiddleSegmentIsAGap() throws IOException {
    soundTree();
    int a = 32 + 2 * fs;
    int b = 32 + 5 * fs;
    store.delete(new WalSegmentName(G, 0, a).path());
    ReplicaCheck.Report r = ReplicaCheck.check(store);
    assertEquals(1, r.problems().size(), r.problems().toString());
    ReplicaCheck.Problem p = r.problems().get(0);
    assertEquals(new WalSegmentName(G, 0, b).path(), p.path());
    assertEquals(
        "gap: segment starts at offset 0x"
            + Integer.toHexString(b)
            + ", the previous one ends at 0x"
            + Integer.toHexString(a),
        p.reason());
  }

  @Test
  void anIndexThatDoesNotStartAtZeroIsAGap() throws IOException {
    int a = 32 + 2 * fs;
    put(new WalSegmentName(G, 1, a), a, wal.length);
    ReplicaCheck.Report r = ReplicaCheck.check(store);
    assertTrue(
        r.problems().get(0).reason().startsWith("gap: segment starts at offset 0x"),
        r.problems().toString());
  }

  @Test
  void overlappingSegmentsAreReported() throws IOException {
    soundTree();
    put(new WalSegmentName(G, 0, 32 + fs), 32 + fs, wal.length);
    ReplicaCheck.Report r = ReplicaCheck.check(store);
    assertTrue(
        r.problems().stream().anyMatch(p -> p.reason().startsWith("overlap")),
        r.problems().toString());
  }

  @Test
  void temporaryFilesAreCountedNotReported() throws IOException {
    soundTree();
    Files.writeString(
        tmp.resolve("replica").resolve(Layout.tempPath(new WalSegmentName(G, 0, 0x9999))),
        "partial");
    ReplicaCheck.Report r = ReplicaCheck.check(store);
    assertEquals(List.of(), r.problems());
    assertEquals(1, r.temporaryFiles());
  }

  @Test
  void strayNamesAreReportedWithTheClassifiersReason() throws IOException {
    soundTree();
    Path gens = tmp.resolve("replica").resolve(Layout.GENERATIONS);
    Files.createDirectories(gens.resolve("not-a-generation"));
    Files.writeString(gens.resolve(G.name()).resolve("notes.txt"), "x");
    Files.writeString(
        gens.resolve(G.name()).resolve("snapshots").resolve("00000001.SNAPSHOT.lz4"), "x");
    ReplicaCheck.Report r = ReplicaCheck.check(store);
    assertEquals(3, r.problems().size(), r.problems().toString());
    assertTrue(
        r.problems().stream().anyMatch(p -> p.path().equals("generations/not-a-generation")));
    assertTrue(r.problems().stream().anyMatch(p -> p.reason().contains("unknown extension")));
  }
}
