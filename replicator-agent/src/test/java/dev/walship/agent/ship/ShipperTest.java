package dev.walship.agent.ship;

import static dev.walship.agent.ship.ShipFixture.drain;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.store.FileReplicaStore;
import dev.walship.format.store.SnapshotInfo;
import dev.walship.format.store.WalSegmentInfo;
import dev.walship.testing.Await;
import dev.walship.testing.FixedRandom;
import dev.walship.testing.Sqlite;
import dev.walship.toolkit.time.Ticker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipper driven step by step: snapshots, segments, mtimes, sync interval, indices,
 * generations.
 */
class ShipperTest {
  @TempDir Path tmp;
  ShipFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new ShipFixture(tmp);
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  @Test
  void snapshotFirstThenEachCaptureAsOneSegment() throws Exception {
    f.db.insert(5, 300);
    Position end = f.log.capture();
    Shipper s = f.shipper();
    assertEquals(3, drain(s), "recover, snapshot, one segment");
    Generation g = end.generation();
    assertEquals(
        List.of(new SnapshotName(g, 0)),
        f.files.snapshots(g).stream().map(SnapshotInfo::name).toList());
    assertEquals(1, f.files.walSegments(g).size());
    assertArrayEquals(f.log.bytes(g, 0), Replicas.index(f.files, g, 0));

    f.db.insert(3, 5000); // some transactions larger than a page
    Position end2 = f.log.capture();
    assertEquals(1, drain(s));
    List<WalSegmentInfo> segs = f.files.walSegments(g);
    assertEquals(2, segs.size(), "the three transactions went out as one segment");
    assertEquals(end.offset(), segs.get(1).name().offset());
    assertArrayEquals(f.log.bytes(g, 0), Replicas.index(f.files, g, 0));
    assertEquals(
        new Position(g, 0, end.offset()),
        f.log.shippedBy("r"),
        "capture keeps the last segment's index");
    assertEquals(end2, s.stats().replicaPosition());
    assertEquals(2, s.stats().segments());
    assertEquals(end2.offset(), s.stats().walBytes());
    assertEquals(0, s.lagBytes());
    Replicas.assertValid(f.files);
    assertEquals(
        Sqlite.dump(f.db.path),
        Replicas.litestreamRestoreDump(f.replicaRoot, tmp.resolve("restored.db")));
  }

  @Test
  void mtimesIncreaseEvenWhenTheClockStandsStillOrGoesBackwards() throws Exception {
    Shipper s = f.shipper();
    f.db.insert(1, 100);
    f.log.capture();
    drain(s); // snapshot at T0, segment at T0+1ms
    f.db.insert(1, 100);
    f.log.capture();
    drain(s); // T0+2ms
    f.clock.set(ShipFixture.T0.minus(Duration.ofHours(1)));
    f.db.insert(1, 100);
    f.log.capture();
    drain(s); // clock went back: T0+3ms
    f.clock.set(ShipFixture.T0.plusSeconds(10));
    f.db.insert(1, 100);
    f.log.capture();
    drain(s); // the clock again
    Generation g = f.log.end().generation();
    assertEquals(ShipFixture.T0, f.files.snapshots(g).get(0).created());
    List<Instant> mtimes = f.files.walSegments(g).stream().map(WalSegmentInfo::created).toList();
    Instant t0 = ShipFixture.T0;
    assertEquals(
        List.of(t0.plusMillis(1), t0.plusMillis(2), t0.plusMillis(3), t0.plusSeconds(10)), mtimes);
  }

  @Test
  void syncIntervalBatchesCapturesIntoOneSegment() throws Exception {
    Shipper s = f.shipper(ShipSettings.DEFAULTS.withSyncInterval(Duration.ofSeconds(1)));
    f.db.insert(1, 100);
    f.log.capture();
    drain(s);
    assertEquals(1, s.stats().segments());
    f.db.insert(1, 100);
    f.log.capture();
    f.clock.advance(Duration.ofMillis(400));
    assertEquals(new Shipper.Wait(Duration.ofMillis(600), false), s.step());
    f.db.insert(1, 100);
    Position end = f.log.capture();
    f.clock.advance(Duration.ofMillis(600));
    assertEquals(1, drain(s));
    assertEquals(2, s.stats().segments(), "both captures in one segment");
    assertEquals(end, s.stats().replicaPosition());
  }

  @Test
  void aSyncRoundShipsEverythingCapturedEvenAcrossIndices() throws Exception {
    Shipper s = f.shipper(ShipSettings.DEFAULTS.withSyncInterval(Duration.ofSeconds(1)));
    f.db.insert(1, 100);
    f.log.capture();
    drain(s);
    f.db.insert(2, 100);
    f.log.capture();
    f.db.restartWal();
    f.db.insert(2, 100);
    Position end = f.log.capture(); // index 1
    f.clock.advance(Duration.ofSeconds(1));
    drain(s);
    assertEquals(end, s.stats().replicaPosition(), "both indices in one round, no second wait");
    f.db.insert(1, 100);
    f.log.capture();
    f.clock.advance(Duration.ofMillis(999));
    assertEquals(
        new Shipper.Wait(Duration.ofMillis(1), false),
        s.step(),
        "the next round a second after the last");
  }

  @Test
  void aNewIndexStartsAtOffsetZeroAndNoSegmentSpansTwoIndices() throws Exception {
    Shipper s = f.shipper();
    f.db.insert(2, 100);
    f.log.capture();
    drain(s);
    f.db.insert(2, 100);
    f.log.capture(); // more of index 0, not shipped yet
    f.db.restartWal();
    f.db.insert(3, 100);
    Position end = f.log.capture();
    assertEquals(1, end.index());
    drain(s);
    Generation g = end.generation();
    assertArrayEquals(f.log.bytes(g, 0), Replicas.index(f.files, g, 0));
    assertArrayEquals(f.log.bytes(g, 1), Replicas.index(f.files, g, 1));
    assertEquals(0, Replicas.segments(f.files, g, 1).get(0).name().offset());
    assertEquals(3, f.files.walSegments(g).size());
    assertEquals(end.withOffset(0), f.log.shippedBy("r"), "the last segment starts index 1");
    Replicas.assertValid(f.files);
    assertEquals(
        Sqlite.dump(f.db.path),
        Replicas.litestreamRestoreDump(f.replicaRoot, tmp.resolve("restored.db")));
  }

  @Test
  void snapshotIntervalTakesANewSnapshotOfTheCurrentIndex() throws Exception {
    Shipper s = f.shipper(ShipSettings.DEFAULTS.withSnapshotInterval(Duration.ofHours(1)));
    f.db.insert(2, 100);
    f.log.capture();
    drain(s);
    f.db.restartWal();
    f.db.insert(2, 100);
    Position end = f.log.capture();
    f.clock.advance(Duration.ofMinutes(59));
    drain(s);
    assertEquals(1, s.stats().snapshots());
    f.clock.advance(Duration.ofMinutes(1));
    drain(s);
    assertEquals(2, s.stats().snapshots());
    Generation g = end.generation();
    assertEquals(List.of(0, 1), f.files.snapshots(g).stream().map(x -> x.name().index()).toList());
    assertEquals(ShipFixture.T0.plus(Duration.ofHours(1)), f.files.snapshots(g).get(1).created());
    f.clock.advance(Duration.ofMinutes(59));
    drain(s);
    assertEquals(2, s.stats().snapshots(), "the next one is due an hour after the last");
  }

  @Test
  void aNewGenerationFinishesTheOldOneFirstThenStartsWithASnapshot() throws Exception {
    Shipper s = f.shipper();
    f.db.insert(2, 100);
    Generation old = f.log.capture().generation();
    drain(s);
    f.db.insert(2, 100);
    f.log.capture(); // captured but not shipped when continuity is lost
    Generation next = f.log.newGeneration();
    f.db.insert(1, 100);
    Position end = f.log.capture();
    drain(s);
    assertArrayEquals(
        f.log.bytes(old, 0), Replicas.index(f.files, old, 0), "old generation shipped to its end");
    assertEquals(1, f.files.snapshots(next).size());
    assertArrayEquals(f.log.bytes(next, 0), Replicas.index(f.files, next, 0));
    Instant oldLast = f.files.walSegments(old).get(1).created();
    assertTrue(
        f.files.snapshots(next).get(0).created().getEpochSecond() > oldLast.getEpochSecond(),
        "the new generation is newer by mtime, even in whole seconds (SFTP)");
    assertEquals(end.withOffset(0), f.log.shippedBy("r"));
    Replicas.assertValid(f.files);
    assertEquals(
        Sqlite.dump(f.db.path),
        Replicas.litestreamRestoreDump(f.replicaRoot, tmp.resolve("restored.db")));
  }

  @Test
  void lagIsCountedAcrossIndicesAndBehindSinceIsSetUntilCaughtUp() throws Exception {
    Shipper s = f.shipper();
    f.db.insert(1, 100);
    f.log.capture();
    drain(s);
    assertEquals(null, s.stats().behindSince());
    f.db.insert(1, 100);
    f.log.capture();
    Generation g = f.log.end().generation();
    long rest0 = f.log.indexLength(g, 0) - s.stats().replicaPosition().offset();
    f.db.restartWal();
    f.db.insert(1, 100);
    Position end = f.log.capture();
    assertEquals(rest0 + end.offset(), s.lagBytes());
    f.store.down = true;
    f.clock.advance(Duration.ofSeconds(3));
    assertThrowsIo(s);
    assertNotEquals(null, s.stats().behindSince());
    assertEquals(ShipFixture.T0.plusSeconds(3), s.stats().behindSince());
    f.store.down = false;
    drain(s);
    assertEquals(0, s.lagBytes());
    assertEquals(null, s.stats().behindSince());
  }

  private static void assertThrowsIo(Shipper s) {
    try {
      s.step();
    } catch (java.io.IOException expected) {
      return;
    }
    throw new AssertionError("step did not fail");
  }

  @Test
  void nothingToDoWaitsForCapture() throws Exception {
    Shipper s = f.shipper();
    assertTrue(s.step().untilChange(), "no generation yet");
    f.db.insert(1, 100);
    f.log.capture();
    drain(s);
    Shipper.Wait w = s.step();
    assertTrue(w.untilChange());
    assertFalse(w.none());
    assertEquals(f.log.end(), w.seen(), "the end the step looked at");
    f.db.insert(1, 100);
    f.log.capture(); // a commit between the step and the wait
    long t0 = System.nanoTime();
    f.log.awaitChange(w.seen(), Duration.ofSeconds(5));
    assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "the wait does not sleep through it");
  }

  @Test
  void aReplicaThatIsDownRetriesWithBackoffWithoutHoldingUpTheOtherAndCatchesUp() throws Exception {
    FileReplicaStore healthyFiles = new FileReplicaStore(tmp.resolve("healthy"));
    Shipper healthy =
        new Shipper(
            "app.db",
            "healthy",
            healthyFiles,
            f.log,
            ShipSettings.DEFAULTS,
            new ShipEnvironment(
                f.clock, Ticker.SYSTEM, new FixedRandom(0.5), null, tmp.resolve("spool")));
    Shipper down =
        f.shipper(
            ShipSettings.DEFAULTS.withBackoff(Duration.ofMillis(100), Duration.ofMillis(800)));
    f.store.down = true;
    healthy.start();
    down.start();
    try {
      for (int i = 0; i < 20; i++) {
        f.db.insert(5, 300);
        Position end = f.log.capture();
        Await.until(
            Duration.ofSeconds(10),
            "healthy replica at " + end,
            () -> end.equals(healthy.stats().replicaPosition()));
      }
      Await.until(Duration.ofSeconds(10), "six retries", () -> f.sleeps.size() >= 6);
      assertEquals(
          List.of(75L, 150L, 300L, 600L, 600L, 600L),
          List.copyOf(f.sleeps).subList(0, 6).stream().map(Duration::toMillis).toList(),
          "backoff with jitter, capped");
      assertEquals(null, f.log.shippedBy("r"));
      assertEquals(null, down.stats().replicaPosition());
      assertTrue(down.stats().errors() >= 6);
      f.store.down = false;
      Position end = f.log.end();
      Await.until(
          Duration.ofSeconds(10),
          "the replica that was down catches up",
          () -> end.equals(down.stats().replicaPosition()));
    } finally {
      healthy.close();
      down.close();
    }
    Replicas.assertValid(f.files);
    String source = Sqlite.dump(f.db.path);
    assertEquals(source, Replicas.litestreamRestoreDump(f.replicaRoot, tmp.resolve("restored.db")));
    assertEquals(
        source, Replicas.litestreamRestoreDump(healthyFiles.root(), tmp.resolve("restored2.db")));
  }

  /**
   * replica-server's immutable-for keeps a young snapshot: a second one of the same index is not
   * needed.
   */
  @Test
  void aSnapshotTheServerKeepsServesAsTheIndexsSnapshot() throws Exception {
    Shipper s = f.shipper(ShipSettings.DEFAULTS.withSnapshotInterval(Duration.ofHours(1)));
    f.db.insert(3, 100);
    Generation g = f.log.capture().generation();
    drain(s);
    f.store.keeps = path -> path.endsWith(".snapshot.lz4");
    f.clock.advance(Duration.ofHours(1)); // due again, and the WAL is still in index 0
    f.db.insert(1, 100);
    f.log.capture();
    drain(s);
    assertEquals(1, s.stats().snapshots(), "no second snapshot written");
    assertEquals(0, s.stats().errors(), "and no error either");
    assertEquals(f.log.end(), s.stats().replicaPosition());
    f.clock.advance(Duration.ofMinutes(30));
    assertEquals(0, drain(s), "not due again before the interval");
    assertEquals(List.of(0), f.files.snapshots(g).stream().map(x -> x.name().index()).toList());
  }

  /**
   * Issue 15: listing works, every upload fails (disk full): the backoff still grows across
   * attempts.
   */
  @Test
  void aServerThatRefusesEveryWriteGetsAGrowingBackoffAndTheReasonIsKept() throws Exception {
    Shipper s =
        f.shipper(
            ShipSettings.DEFAULTS.withBackoff(Duration.ofMillis(100), Duration.ofMillis(800)));
    f.store.writeRefusal = "the server refused: no space left on device";
    f.db.insert(5, 300);
    f.log.capture();
    s.start();
    try {
      Await.until(Duration.ofSeconds(10), "six retries", () -> f.sleeps.size() >= 6);
      assertEquals(
          List.of(75L, 150L, 300L, 600L, 600L, 600L),
          List.copyOf(f.sleeps).subList(0, 6).stream().map(Duration::toMillis).toList(),
          "the attempt count survives the re-listing");
      assertTrue(s.stats().lastError().endsWith("no space left on device"), s.stats().lastError());
      f.store.writeRefusal = null;
      Position end = f.log.end();
      Await.until(
          Duration.ofSeconds(10),
          "caught up once the disk has room",
          () -> end.equals(s.stats().replicaPosition()));
    } finally {
      s.close();
    }
  }

  @Test
  void stopShipsWhatWasCapturedThenEnds() throws Exception {
    Shipper s = f.shipper();
    s.start();
    Position end = null;
    for (int i = 0; i < 10; i++) {
      f.db.insert(20, 1000);
      end = f.log.capture();
    }
    assertTrue(s.stop(Duration.ofSeconds(20)));
    assertEquals(end, s.stats().replicaPosition());
    assertArrayEquals(
        f.log.bytes(end.generation(), 0), Replicas.index(f.files, end.generation(), 0));
  }

  @Test
  void stopGivesUpAtItsDeadlineWhenTheReplicaIsDown() throws Exception {
    Shipper s =
        new Shipper(
            "app.db",
            "r",
            f.store,
            f.log,
            ShipSettings.DEFAULTS,
            new ShipEnvironment(
                f.clock, Ticker.SYSTEM, new FixedRandom(0.5), null, tmp.resolve("spool")));
    f.store.down = true;
    f.db.insert(1, 100);
    f.log.capture();
    s.start();
    long t0 = System.nanoTime();
    assertFalse(s.stop(Duration.ofMillis(700)));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms >= 600 && ms < 5000, "stopped after " + ms + " ms");
  }
}
