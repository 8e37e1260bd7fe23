package dev.walship.agent.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.catalog.ReplicaCatalog;
import dev.walship.format.layout.Generation;
import dev.walship.format.store.FileReplicaStore;
import dev.walship.format.store.WalSegmentInfo;
import dev.walship.testing.Sqlite;
import dev.walship.toolkit.time.Ticker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Restores of a replica written by the real Litestream v0.3.13, compared with the source's dumps.
 */
class RestorerTest {
  static final LitestreamHistory H = LitestreamHistory.get();
  @TempDir Path tmp;

  private static RestoreSettings quiet(WalApplier.Mode mode) {
    return new RestoreSettings(
        4,
        mode,
        new PrintStream(new ByteArrayOutputStream()),
        Duration.ofMinutes(1),
        Ticker.SYSTEM);
  }

  private String restore(Path replica, RestoreTarget target, WalApplier.Mode mode)
      throws Exception {
    FileReplicaStore store = new FileReplicaStore(replica);
    RestorePlan plan = RestorePlanner.plan(ReplicaCatalog.load(store), target);
    Path out = tmp.resolve("out-" + System.nanoTime() + ".db");
    new Restorer(store, quiet(mode)).restore(plan, out);
    assertEquals("ok\n", Sqlite.cli(out, "PRAGMA integrity_check"));
    return Sqlite.dump(out);
  }

  @Test
  void theHistoryHasSeveralIndicesAndTwoGenerations() throws IOException {
    FileReplicaStore s = new FileReplicaStore(H.replica);
    assertEquals(2, s.generations().size());
    long indices = 0;
    for (Generation g : s.generations()) {
      indices =
          Math.max(
              indices, s.walSegments(g).stream().map(w -> w.name().index()).distinct().count());
    }
    assertTrue(indices >= 3, "WAL indices in one generation: " + indices);
  }

  @ParameterizedTest
  @EnumSource(WalApplier.Mode.class)
  void latestEqualsTheSource(WalApplier.Mode mode) throws Exception {
    assertEquals(H.latestDump, restore(H.replica, RestoreTarget.LATEST, mode));
  }

  @ParameterizedTest
  @EnumSource(WalApplier.Mode.class)
  void eachRecordedMomentRestoresToTheDumpOfThatMoment(WalApplier.Mode mode) throws Exception {
    for (Map.Entry<Instant, String> e : H.dumps.entrySet()) {
      assertEquals(
          e.getValue(),
          restore(H.replica, new RestoreTarget(null, null, e.getKey()), mode),
          "as of " + e.getKey());
    }
  }

  @Test
  void aMomentBetweenGenerationsGivesTheStateInForceThen() throws Exception {
    assertEquals(
        H.dumpBetweenGenerations,
        restore(
            H.replica, new RestoreTarget(null, null, H.betweenGenerations), WalApplier.Mode.PAGES));
  }

  @Test
  void aMomentAfterTheLastWriteGivesTheLatestState() throws Exception {
    assertEquals(
        H.latestDump,
        restore(
            H.replica,
            new RestoreTarget(null, null, Instant.now().plusSeconds(3600)),
            WalApplier.Mode.PAGES));
  }

  @Test
  void bothAppliersProduceTheSameFile() throws Exception {
    FileReplicaStore store = new FileReplicaStore(H.replica);
    RestorePlan plan = RestorePlanner.plan(ReplicaCatalog.load(store), RestoreTarget.LATEST);
    Path a = tmp.resolve("pages.db");
    Path b = tmp.resolve("sqlite.db");
    new Restorer(store, quiet(WalApplier.Mode.PAGES)).restore(plan, a);
    new Restorer(store, quiet(WalApplier.Mode.SQLITE)).restore(plan, b);
    assertEquals(-1, Files.mismatch(a, b));
  }

  // ---- damage: each reported with the file's name, nothing at the output, no temp files ----

  private Path damaged(String name) {
    return H.copyReplica(tmp.resolve(name));
  }

  /** The segments of the newest generation, as the restore would use them. */
  private static List<WalSegmentInfo> segments(Path replica) throws Exception {
    FileReplicaStore s = new FileReplicaStore(replica);
    RestorePlan plan = RestorePlanner.plan(ReplicaCatalog.load(s), RestoreTarget.LATEST);
    return plan.indices().stream().flatMap(i -> i.segments().stream()).toList();
  }

  private RestoreException failedRestore(Path replica) {
    Path out = tmp.resolve("never.db");
    RestoreException e =
        assertThrows(
            RestoreException.class,
            () -> {
              FileReplicaStore store = new FileReplicaStore(replica);
              new Restorer(store, quiet(WalApplier.Mode.PAGES))
                  .restore(
                      RestorePlanner.plan(ReplicaCatalog.load(store), RestoreTarget.LATEST), out);
            });
    assertFalse(Files.exists(out), "nothing at the output path");
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(
          List.of(), s.filter(p -> p.getFileName().toString().contains("restore-tmp")).toList());
    } catch (IOException io) {
      throw new AssertionError(io);
    }
    return e;
  }

  @Test
  void aMissingMiddleSegmentIsReported() throws Exception {
    Path r = tmp.resolve("missing-middle");
    SyntheticReplica synthetic = SyntheticReplica.write(r, tmp, 10);
    List<WalSegmentInfo> segs = segments(r);
    assertEquals(synthetic.segments, segs.size());
    WalSegmentInfo victim = segs.get(4);
    Files.delete(r.resolve(victim.name().path()));
    RestoreException e = failedRestore(r);
    assertTrue(
        e.getMessage()
            .startsWith(
                "file://"
                    + r
                    + "/"
                    + segs.get(5).name().path()
                    + ": gap: segment starts at offset 0x"
                    + Long.toHexString(segs.get(5).name().offset())
                    + ", the previous one ends at 0x"
                    + Long.toHexString(victim.name().offset())),
        e.getMessage());
    assertTrue(
        e.getMessage()
            .endsWith(
                "newest restorable point: "
                    + segs.get(3).name().path()
                    + ", written "
                    + segs.get(3).created()
                    + " (restore it with -generation "
                    + SyntheticReplica.GENERATION
                    + " -timestamp "
                    + segs.get(3).created()
                    + ")"),
        e.getMessage());
  }

  @Test
  void theNewestRestorablePointNamedAfterDamageRestores() throws Exception {
    Path r = tmp.resolve("point");
    SyntheticReplica.write(r, tmp, 10);
    List<WalSegmentInfo> segs = segments(r);
    Files.delete(r.resolve(segs.get(4).name().path()));
    String got =
        restore(
            r,
            new RestoreTarget(SyntheticReplica.GENERATION, null, segs.get(3).created()),
            WalApplier.Mode.PAGES);
    assertTrue(got.contains("'row 3'") && !got.contains("'row 4'"), got);
  }

  @Test
  void aTruncatedSegmentIsReported() throws Exception {
    Path r = damaged("truncated");
    WalSegmentInfo victim = segments(r).get(1);
    Path f = r.resolve(victim.name().path());
    byte[] b = Files.readAllBytes(f);
    Files.write(f, java.util.Arrays.copyOf(b, b.length - 5));
    RestoreException e = failedRestore(r);
    assertTrue(
        e.getMessage().startsWith("file://" + r + "/" + victim.name().path() + ": LZ4"),
        e.getMessage());
  }

  @Test
  void aFlippedByteIsReported() throws Exception {
    Path r = damaged("flipped");
    WalSegmentInfo victim =
        segments(r).stream()
            .max(java.util.Comparator.comparingLong(WalSegmentInfo::size))
            .orElseThrow();
    try (RandomAccessFile f =
        new RandomAccessFile(r.resolve(victim.name().path()).toFile(), "rw")) {
      f.seek(f.length() / 2);
      int x = f.read();
      f.seek(f.length() / 2);
      f.write(x ^ 0x10);
    }
    RestoreException e = failedRestore(r);
    assertTrue(
        e.getMessage().startsWith("file://" + r + "/" + victim.name().path() + ": "),
        e.getMessage());
  }

  @Test
  void aMissingIndexIsReported() throws Exception {
    Path r = damaged("missing-index");
    List<WalSegmentInfo> segs = segments(r);
    int first = segs.get(0).name().index();
    int last = segs.get(segs.size() - 1).name().index();
    if (last == first) {
      throw new AssertionError("the newest generation needs two indices for this test: " + segs);
    }
    for (WalSegmentInfo w : segs) {
      if (w.name().index() == first + 1 && first + 1 < last) {
        Files.delete(r.resolve(w.name().path()));
      } else if (w.name().index() == last && first + 1 == last) {
        Files.delete(
            r.resolve(w.name().path())); // only two: drop the first segment of the last one
        break;
      }
    }
    RestoreException e = failedRestore(r);
    assertTrue(
        e.getMessage().contains("is missing") || e.getMessage().contains("starts at offset"),
        e.getMessage());
  }

  @Test
  void aSnapshotThatDoesNotDecodeIsReported() throws Exception {
    Path r = damaged("bad-snapshot");
    FileReplicaStore s = new FileReplicaStore(r);
    RestorePlan plan = RestorePlanner.plan(ReplicaCatalog.load(s), RestoreTarget.LATEST);
    Path f = r.resolve(plan.snapshot().name().path());
    Files.write(f, "not lz4 at all".getBytes());
    RestoreException e = failedRestore(r);
    assertTrue(
        e.getMessage().startsWith("file://" + r + "/" + plan.snapshot().name().path() + ": LZ4"),
        e.getMessage());
  }

  @Test
  void anExistingOutputOrAStrayWalIsRefused() throws Exception {
    FileReplicaStore store = new FileReplicaStore(H.replica);
    RestorePlan plan = RestorePlanner.plan(ReplicaCatalog.load(store), RestoreTarget.LATEST);
    Path out = tmp.resolve("exists.db");
    Files.writeString(out, "mine");
    RestoreException e =
        assertThrows(
            RestoreException.class,
            () -> new Restorer(store, quiet(WalApplier.Mode.PAGES)).restore(plan, out));
    assertEquals("cannot restore, output path already exists: " + out, e.getMessage());
    assertEquals("mine", Files.readString(out));
    Path lost = tmp.resolve("lost.db");
    Files.writeString(tmp.resolve("lost.db-wal"), "old wal");
    RestoreException w =
        assertThrows(
            RestoreException.class,
            () -> new Restorer(store, quiet(WalApplier.Mode.PAGES)).restore(plan, lost));
    assertTrue(w.getMessage().contains("lost.db-wal exists without its database"), w.getMessage());
  }

  @Test
  void aSlowRestorePrintsProgress() throws Exception {
    FileReplicaStore store = new FileReplicaStore(H.replica);
    RestorePlan plan = RestorePlanner.plan(ReplicaCatalog.load(store), RestoreTarget.LATEST);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    SlowStore slow = new SlowStore(store, Duration.ofMillis(40));
    new Restorer(
            slow,
            new RestoreSettings(
                1,
                WalApplier.Mode.PAGES,
                new PrintStream(err, true),
                Duration.ofMillis(100),
                Ticker.SYSTEM))
        .restore(plan, tmp.resolve("slow.db"));
    assertTrue(err.toString().startsWith("restore: "), err.toString());
    assertTrue(err.toString().contains(" MB downloaded ("), err.toString());
  }
}
