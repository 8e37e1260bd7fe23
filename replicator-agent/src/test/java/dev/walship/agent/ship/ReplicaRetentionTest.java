package dev.walship.agent.ship;

import static dev.walship.agent.ship.ShipFixture.drain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.catalog.GenerationFiles;
import dev.walship.format.catalog.ReplicaCatalog;
import dev.walship.format.catalog.Temporary;
import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Layout;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.layout.WalSegmentName;
import dev.walship.format.store.FileReplicaStore;
import dev.walship.format.store.SnapshotInfo;
import dev.walship.format.store.WalSegmentInfo;
import dev.walship.testing.Sqlite;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention decisions, exactly, on listings with chosen mtimes; then on a real replica. */
class ReplicaRetentionTest {
  static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
  static final Instant CUTOFF = NOW.minus(Duration.ofHours(24));
  static final Generation G1 = Generation.parse("00000000000000a1");
  static final Generation G2 = Generation.parse("00000000000000b2");

  @TempDir Path tmp;

  static Instant hoursAgo(double h) {
    return NOW.minusSeconds((long) (h * 3600));
  }

  /** A generation's listing built up fluently. */
  static final class Gen {
    final Generation g;
    final List<SnapshotInfo> snapshots = new ArrayList<>();
    final List<WalSegmentInfo> segments = new ArrayList<>();
    final List<Temporary> temps = new ArrayList<>();

    Gen(Generation g) {
      this.g = g;
    }

    Gen snapshot(int index, Instant at) {
      snapshots.add(new SnapshotInfo(new SnapshotName(g, index), 10, at));
      return this;
    }

    Gen segment(int index, long offset, Instant at) {
      segments.add(new WalSegmentInfo(new WalSegmentName(g, index, offset), 10, at));
      return this;
    }

    Gen temp(String path, Instant at) {
      temps.add(new Temporary(path, at));
      return this;
    }

    GenerationFiles files() {
      return new GenerationFiles(
          g, List.copyOf(snapshots), List.copyOf(segments), List.copyOf(temps));
    }
  }

  static String snap(Generation g, int i) {
    return new SnapshotName(g, i).path();
  }

  static String seg(Generation g, int i, long off) {
    return new WalSegmentName(g, i, off).path();
  }

  static ReplicaRetention.Plan plan(Gen... gens) {
    return ReplicaRetention.plan(
        new ReplicaCatalog("file:///r", List.of(gens).stream().map(Gen::files).toList()), CUTOFF);
  }

  @Test
  void deletesSnapshotsAndWholeIndicesBeforeTheOldestKeptSnapshot() {
    Gen g =
        new Gen(G1)
            .snapshot(0, hoursAgo(48))
            .segment(0, 0, hoursAgo(48))
            .segment(0, 4152, hoursAgo(47))
            .snapshot(1, hoursAgo(30))
            .segment(1, 0, hoursAgo(30))
            .segment(1, 4152, hoursAgo(25))
            .snapshot(2, hoursAgo(1))
            .segment(2, 0, hoursAgo(1))
            .segment(2, 4152, hoursAgo(0));
    ReplicaRetention.Plan p = plan(g);
    assertEquals(List.of(), p.generations());
    assertEquals(
        List.of(
            snap(G1, 0),
            snap(G1, 1),
            seg(G1, 0, 4152),
            seg(G1, 0, 0),
            seg(G1, 1, 4152),
            seg(G1, 1, 0)),
        p.files(),
        "snapshots first, then each index from its highest offset down to 0");
  }

  @Test
  void aSnapshotYoungerThanRetentionKeepsItsChain() {
    Gen g =
        new Gen(G1)
            .snapshot(0, hoursAgo(48))
            .segment(0, 0, hoursAgo(48))
            .snapshot(1, hoursAgo(23))
            .segment(1, 0, hoursAgo(23))
            .snapshot(2, hoursAgo(1))
            .segment(2, 0, hoursAgo(1));
    assertEquals(List.of(snap(G1, 0), seg(G1, 0, 0)), plan(g).files());
  }

  @Test
  void neverDeletesTheOnlySnapshotNorWhatFollowsIt() {
    Gen g =
        new Gen(G1)
            .snapshot(0, hoursAgo(72))
            .segment(0, 0, hoursAgo(72))
            .segment(1, 0, hoursAgo(50))
            .segment(2, 0, hoursAgo(2));
    assertTrue(plan(g).isEmpty());
  }

  @Test
  void anIndexWithOneSegmentYoungerThanRetentionStaysWhole() {
    Gen g =
        new Gen(G1)
            .snapshot(0, hoursAgo(48))
            .segment(0, 0, hoursAgo(48))
            .segment(0, 4152, hoursAgo(2)) // shipped late
            .snapshot(1, hoursAgo(3))
            .segment(1, 0, hoursAgo(3));
    assertEquals(List.of(snap(G1, 0)), plan(g).files());
  }

  @Test
  void anOldGenerationGoesWhenEverythingInItIsOldAndANewerOneHasASnapshot() {
    Gen old = new Gen(G1).snapshot(0, hoursAgo(50)).segment(0, 0, hoursAgo(26));
    Gen current = new Gen(G2).snapshot(0, hoursAgo(25)).segment(0, 0, hoursAgo(0.5));
    ReplicaRetention.Plan p = plan(old, current);
    assertEquals(List.of(G1), p.generations());
    assertEquals(List.of(), p.files());
  }

  @Test
  void anOldGenerationStaysWhileTheNewerOneHasNoSnapshot() {
    Gen old =
        new Gen(G1)
            .snapshot(0, hoursAgo(50))
            .segment(0, 0, hoursAgo(49))
            .snapshot(1, hoursAgo(30))
            .segment(1, 0, hoursAgo(29));
    Gen current = new Gen(G2).segment(0, 0, hoursAgo(0.5));
    ReplicaRetention.Plan p = plan(old, current);
    assertEquals(List.of(), p.generations());
    assertEquals(
        List.of(snap(G1, 0), seg(G1, 0, 0)), p.files(), "the old one keeps its newest chain");
  }

  @Test
  void anOldGenerationWithSomethingYoungStays() {
    Gen old = new Gen(G1).snapshot(0, hoursAgo(50)).segment(0, 0, hoursAgo(23));
    Gen current = new Gen(G2).snapshot(0, hoursAgo(1));
    assertTrue(plan(old, current).isEmpty());
  }

  @Test
  void leftoverTemporaryFilesGoWhenOld() {
    String oldTemp = Layout.tempPath(new WalSegmentName(G1, 0, 4152));
    String youngTemp = Layout.tempPath(new WalSegmentName(G1, 0, 8304));
    Gen g =
        new Gen(G1)
            .snapshot(0, hoursAgo(1))
            .temp(oldTemp, hoursAgo(30))
            .temp(youngTemp, hoursAgo(1));
    assertEquals(List.of(oldTemp), plan(g).files());
  }

  @Test
  void listsAndAppliesOnARealStore() throws Exception {
    FileReplicaStore store = new FileReplicaStore(tmp.resolve("replica"));
    store.write(new SnapshotName(G1, 0), hoursAgo(50), out -> out.write(1));
    store.write(new WalSegmentName(G1, 0, 0), hoursAgo(50), out -> out.write(1));
    store.write(new SnapshotName(G2, 0), hoursAgo(2), out -> out.write(1));
    store.write(new WalSegmentName(G2, 0, 0), hoursAgo(2), out -> out.write(1));
    store.write(new WalSegmentName(G2, 1, 0), hoursAgo(1), out -> out.write(1));
    ReplicaRetention.Plan p = ReplicaRetention.plan(ReplicaCatalog.load(store), CUTOFF);
    assertEquals(List.of(G1), p.generations());
    assertEquals(new ReplicaRetention.Applied(1, null), ReplicaRetention.apply(store, p));
    assertEquals(List.of(G2), store.generations());
    assertEquals(2, store.walSegments(G2).size());
  }

  @Test
  void aDeletionTheServerRefusesEndsTheRunQuietlyInOrder() throws Exception {
    FileReplicaStore files = new FileReplicaStore(tmp.resolve("kept"));
    SwitchableStore store = new SwitchableStore(files);
    files.write(new SnapshotName(G1, 0), hoursAgo(50), out -> out.write(1));
    files.write(new SnapshotName(G1, 1), hoursAgo(40), out -> out.write(1));
    files.write(new WalSegmentName(G1, 0, 0), hoursAgo(50), out -> out.write(1));
    files.write(new SnapshotName(G1, 2), hoursAgo(1), out -> out.write(1));
    ReplicaRetention.Plan p = ReplicaRetention.plan(ReplicaCatalog.load(store), CUTOFF);
    assertEquals(3, p.files().size(), p.toString());
    String kept = p.files().get(1);
    store.keeps = kept::equals;
    ReplicaRetention.Applied done = ReplicaRetention.apply(store, p);
    assertEquals(1, done.deleted());
    assertTrue(done.refused().contains("immutable"), done.refused());
    assertEquals(List.of(1, 2), files.snapshots(G1).stream().map(x -> x.name().index()).toList());
    assertEquals(1, files.walSegments(G1).size(), "nothing after the refusal went");
  }

  @Test
  void theShipperRunsRetentionEveryCheckIntervalAndSnapshotsFirstWhenItsNewestIsTooOld()
      throws Exception {
    try (ShipFixture f = new ShipFixture(tmp)) {
      Shipper s =
          f.shipper(ShipSettings.DEFAULTS.withRetention(Duration.ofHours(24), Duration.ofHours(1)));
      f.db.insert(3, 100);
      Generation g = f.log.capture().generation();
      drain(s); // snapshot 0 and index 0 at T0
      f.clock.advance(Duration.ofMinutes(30));
      f.db.restartWal();
      f.db.insert(3, 100);
      f.log.capture();
      drain(s); // index 1 at T0+30m
      assertEquals(0, s.stats().retentionDeletes(), "not due before the check interval");
      f.clock.advance(Duration.ofHours(24)); // T0+24h30m: cutoff T0+30m
      drain(s);
      assertEquals(
          List.of(1),
          f.files.snapshots(g).stream().map(x -> x.name().index()).toList(),
          "a new snapshot of index 1, then snapshot 0 and index 0 deleted");
      assertEquals(
          List.of(1),
          f.files.walSegments(g).stream().map(x -> x.name().index()).distinct().toList());
      assertEquals(2, s.stats().retentionDeletes());
      Replicas.assertValid(f.files);
      assertEquals(
          Sqlite.dump(f.db.path),
          Replicas.litestreamRestoreDump(f.replicaRoot, tmp.resolve("restored.db")));
      f.clock.advance(Duration.ofMinutes(59));
      int writes = f.store.writes.get();
      drain(s);
      assertEquals(writes, f.store.writes.get(), "next check an hour after the last");
    }
  }
}
