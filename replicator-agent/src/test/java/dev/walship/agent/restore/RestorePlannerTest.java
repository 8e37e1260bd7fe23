package dev.walship.agent.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.catalog.GenerationFiles;
import dev.walship.format.catalog.ReplicaCatalog;
import dev.walship.format.layout.Generation;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.layout.WalSegmentName;
import dev.walship.format.store.SnapshotInfo;
import dev.walship.format.store.WalSegmentInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Planning from listings alone, with exact times: no store, no download. */
class RestorePlannerTest {
  static final Generation A = Generation.parse("aaaaaaaaaaaaaaaa");
  static final Generation B = Generation.parse("bbbbbbbbbbbbbbbb");
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  static Instant t(int seconds) {
    return T0.plusSeconds(seconds);
  }

  static SnapshotInfo snap(Generation g, int index, int at) {
    return new SnapshotInfo(new SnapshotName(g, index), 100, t(at));
  }

  static WalSegmentInfo seg(Generation g, int index, long offset, int at) {
    return new WalSegmentInfo(new WalSegmentName(g, index, offset), 10, t(at));
  }

  /**
   * A: snapshot 0 at 10 s, index 0 (10, 20), index 1 (30, 40), snapshot 1 at 35 s. B: snapshot 0 at
   * 100 s, index 0 (110).
   */
  static ReplicaCatalog catalog() {
    GenerationFiles a =
        new GenerationFiles(
            A,
            List.of(snap(A, 0, 10), snap(A, 1, 35)),
            List.of(seg(A, 0, 0, 10), seg(A, 0, 4152, 20), seg(A, 1, 0, 30), seg(A, 1, 4152, 40)));
    GenerationFiles b =
        new GenerationFiles(B, List.of(snap(B, 0, 100)), List.of(seg(B, 0, 0, 110)));
    return new ReplicaCatalog("file:///r", List.of(a, b));
  }

  static List<String> segments(RestorePlan p) {
    List<String> out = new ArrayList<>();
    p.indices().forEach(i -> i.segments().forEach(w -> out.add(w.name().shortName())));
    return out;
  }

  @Test
  void latestIsTheNewestGenerationsNewestSnapshotAndEverythingAfter() throws Exception {
    RestorePlan p = RestorePlanner.plan(catalog(), RestoreTarget.LATEST);
    assertEquals(B, p.generation());
    assertEquals(new SnapshotName(B, 0), p.snapshot().name());
    assertEquals(List.of("00000000_00000000"), segments(p));
    assertEquals(2, p.files());
    assertEquals(110, p.totalBytes());
  }

  @Test
  void aTimeInsideAGenerationCutsItsSegmentsByMtime() throws Exception {
    RestorePlan p = RestorePlanner.plan(catalog(), new RestoreTarget(null, null, t(25)));
    assertEquals(A, p.generation());
    assertEquals(new SnapshotName(A, 0), p.snapshot().name());
    assertEquals(List.of("00000000_00000000", "00000000_00001038"), segments(p));
    RestorePlan later = RestorePlanner.plan(catalog(), new RestoreTarget(null, null, t(37)));
    assertEquals(
        new SnapshotName(A, 1), later.snapshot().name(), "the newest snapshot at or before T");
    assertEquals(List.of("00000001_00000000"), segments(later));
  }

  @Test
  void aTimeBetweenGenerationsGivesTheStateInForce() throws Exception {
    RestorePlan p = RestorePlanner.plan(catalog(), new RestoreTarget(null, null, t(60)));
    assertEquals(A, p.generation());
    assertEquals(List.of("00000001_00000000", "00000001_00001038"), segments(p));
  }

  @Test
  void aTimeAfterTheLastWriteGivesTheLatestState() throws Exception {
    RestorePlan p = RestorePlanner.plan(catalog(), new RestoreTarget(null, null, t(9999)));
    assertEquals(B, p.generation());
    assertEquals(List.of("00000000_00000000"), segments(p));
  }

  @Test
  void aTimeBeforeEverySnapshotHasNoBackup() {
    NoBackupsException e =
        assertThrows(
            NoBackupsException.class,
            () -> RestorePlanner.plan(catalog(), new RestoreTarget(null, null, t(5))));
    assertEquals(
        "no matching backups found: no snapshot at or before 2026-01-01T00:00:05Z in file:///r; "
            + "the oldest is generations/aaaaaaaaaaaaaaaa/snapshots/00000000.snapshot.lz4 from 2026-01-01T00:00:10Z",
        e.getMessage());
  }

  @Test
  void anIndexIsInclusiveAndPicksTheSnapshotAtOrBelowIt() throws Exception {
    RestorePlan p = RestorePlanner.plan(catalog(), new RestoreTarget(A, 0, null));
    assertEquals(new SnapshotName(A, 0), p.snapshot().name());
    assertEquals(List.of("00000000_00000000", "00000000_00001038"), segments(p));
    RestorePlan one = RestorePlanner.plan(catalog(), new RestoreTarget(A, 1, null));
    assertEquals(new SnapshotName(A, 1), one.snapshot().name());
  }

  @Test
  void anIndexBeyondWhatExistsIsAnError() {
    RestoreException e =
        assertThrows(
            RestoreException.class,
            () -> RestorePlanner.plan(catalog(), new RestoreTarget(A, 7, null)));
    assertEquals(
        "-index 00000007 is beyond what file:///r holds: generation aaaaaaaaaaaaaaaa ends at index 00000001",
        e.getMessage());
  }

  @Test
  void anUnknownGenerationOrAnEmptyReplicaHasNoBackup() {
    assertEquals(
        "no matching backups found: generation cccccccccccccccc is not in file:///r",
        assertThrows(
                NoBackupsException.class,
                () ->
                    RestorePlanner.plan(
                        catalog(),
                        new RestoreTarget(Generation.parse("cccccccccccccccc"), null, null)))
            .getMessage());
    assertEquals(
        "no matching backups found: no generations in file:///e",
        assertThrows(
                NoBackupsException.class,
                () ->
                    RestorePlanner.plan(
                        new ReplicaCatalog("file:///e", List.of()), RestoreTarget.LATEST))
            .getMessage());
  }

  @Test
  void aMissingIndexNamesItAndTheNewestRestorablePoint() {
    GenerationFiles g =
        new GenerationFiles(
            A, List.of(snap(A, 0, 10)), List.of(seg(A, 0, 0, 10), seg(A, 2, 0, 30)));
    RestoreException e =
        assertThrows(
            RestoreException.class,
            () ->
                RestorePlanner.plan(
                    new ReplicaCatalog("file:///r", List.of(g)), RestoreTarget.LATEST));
    assertEquals(
        "file:///r/generations/aaaaaaaaaaaaaaaa/wal: WAL index 00000001 is missing (no segment between the "
            + "snapshot and the target); newest restorable point: the end of index 00000000 of generation aaaaaaaaaaaaaaaa "
            + "(restore it with -generation aaaaaaaaaaaaaaaa -index 0)",
        e.getMessage());
  }

  @Test
  void anIndexThatDoesNotStartAtZeroIsAnError() {
    GenerationFiles g =
        new GenerationFiles(A, List.of(snap(A, 0, 10)), List.of(seg(A, 0, 4152, 10)));
    RestoreException e =
        assertThrows(
            RestoreException.class,
            () ->
                RestorePlanner.plan(
                    new ReplicaCatalog("file:///r", List.of(g)), RestoreTarget.LATEST));
    assertTrue(
        e.getMessage()
            .startsWith(
                "file:///r/generations/aaaaaaaaaaaaaaaa/wal/00000000_00001038.wal.lz4: "
                    + "WAL index 00000000 starts at offset 0x1038, not 0"),
        e.getMessage());
    assertTrue(
        e.getMessage()
            .endsWith(
                "nothing newer than the snapshot generations/aaaaaaaaaaaaaaaa/snapshots/"
                    + "00000000.snapshot.lz4 can be restored from generation aaaaaaaaaaaaaaaa"),
        e.getMessage());
  }

  @Test
  void aSnapshotWithoutSegmentsIsRestoredAlone() throws Exception {
    GenerationFiles g = new GenerationFiles(A, List.of(snap(A, 3, 10)), List.of());
    RestorePlan p =
        RestorePlanner.plan(new ReplicaCatalog("file:///r", List.of(g)), RestoreTarget.LATEST);
    assertEquals(List.of(), p.indices());
  }

  @Test
  void segmentsOfIndicesBeforeTheSnapshotAreNotApplied() throws Exception {
    RestorePlan p = RestorePlanner.plan(catalog(), new RestoreTarget(A, null, null));
    assertEquals(new SnapshotName(A, 1), p.snapshot().name());
    assertEquals(List.of("00000001_00000000", "00000001_00001038"), segments(p));
  }
}
