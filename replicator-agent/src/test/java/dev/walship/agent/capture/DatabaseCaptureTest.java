package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import dev.walship.testing.Await;
import dev.walship.testing.Sqlite;
import dev.walship.toolkit.time.Ticker;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public surface: lifecycle, status, and the {@link ShadowLog} contract. */
class DatabaseCaptureTest {
  @TempDir Path dir;

  @Test
  void followingTheLogRebuildsTheDatabaseAndCaptureLatencyIsMeasured() throws Exception {
    Path db = dir.resolve("s.db");
    Harness.create(db, 10);
    long[] latencies = new long[200];
    try (Connection app = Sqlite.openWal(db, 1000);
        DatabaseCapture cap = Harness.start(db, CaptureSettings.DEFAULTS, 1)) {
      Harness.awaitCapturing(cap);
      Follower f = new Follower(cap, "r");
      for (int i = 0; i < 3000; i++) {
        Sqlite.exec(app, "insert into t(x) values(randomblob(" + (i % 7 == 0 ? 9000 : 100) + "))");
      }
      for (int i = 0; i < latencies.length; i++) {
        Position before = cap.end();
        long t0 = System.nanoTime();
        Sqlite.exec(app, "insert into t(x) values(randomblob(100))");
        long committed = System.nanoTime();
        cap.awaitChange(before, Duration.ofSeconds(5));
        Await.until(Duration.ofSeconds(5), "capture of the commit", () -> Harness.caughtUp(cap));
        latencies[i] = System.nanoTime() - committed;
        assertTrue(committed > t0);
      }
      Harness.awaitCaughtUp(cap);
      f.catchUp(Duration.ofSeconds(20));
      f.close();
      f.checkIndicesCommittedOnly();
      Path out = dir.resolve("out.db");
      f.rebuild(f.generations().get(0), out);
      Harness.assertSameDatabase(db, out);
    }
    Arrays.sort(latencies);
    System.out.printf(
        "commit -> shadow latency over %d commits: median %.2f ms, p95 %.2f ms," + " max %.2f ms%n",
        latencies.length,
        latencies[latencies.length / 2] / 1e6,
        latencies[latencies.length * 95 / 100] / 1e6,
        latencies[latencies.length - 1] / 1e6);
  }

  @Test
  void aReplicaThatCannotContinueGetsANewGeneration() throws Exception {
    Path db = dir.resolve("r.db");
    Harness.create(db, 5);
    try (Connection app = Sqlite.openWal(db, 1000);
        DatabaseCapture cap = Harness.start(db, CaptureSettings.DEFAULTS, 1)) {
      Harness.awaitCapturing(cap);
      Position before = cap.end();
      cap.restartGeneration("the replica keeps a segment that does not continue the shadow WAL");
      Await.until(
          Duration.ofSeconds(20),
          "a new generation",
          () -> !cap.end().generation().equals(before.generation()));
      Sqlite.exec(app, "insert into t(x) values(randomblob(100))");
      Harness.awaitCaughtUp(cap);
      Await.until(
          Duration.ofSeconds(20),
          "the reason in capture's status: " + cap.status().detail(),
          () -> cap.status().detail().contains("started: the replica keeps a segment"));
    }
  }

  @Test
  void captureCreatesNoTableAndChangesNoSetting() throws Exception {
    Path db = dir.resolve("n.db");
    Harness.create(db, 5);
    try (Connection app = Sqlite.openWal(db, 1000)) {
      Sqlite.exec(app, "PRAGMA user_version=42");
    }
    String schema = Sqlite.cli(db, "select type, name, sql from sqlite_schema order by name");
    try (DatabaseCapture cap = Harness.start(db, CaptureSettings.DEFAULTS, 1)) {
      Harness.awaitCapturing(cap);
      Harness.awaitCaughtUp(cap);
    }
    assertEquals(schema, Sqlite.cli(db, "select type, name, sql from sqlite_schema order by name"));
    assertEquals("42", Sqlite.cli(db, "PRAGMA user_version").strip());
    assertEquals("wal", Sqlite.cli(db, "PRAGMA journal_mode").strip());
  }

  @Test
  void captureWaitsForTheDatabaseToExistAndNeverCreatesIt() throws Exception {
    Path db = dir.resolve("later.db");
    try (DatabaseCapture cap = Harness.start(db, CaptureSettings.DEFAULTS, 1)) {
      Await.until(
          Duration.ofSeconds(10),
          "waiting status",
          () -> cap.status().state() == CaptureStatus.State.WAITING_FOR_DATABASE);
      assertTrue(cap.status().detail().contains("does not exist"), cap.status().detail());
      assertTrue(Files.notExists(db));
      Harness.create(db, 3);
      Harness.awaitCapturing(cap);
    }
  }

  @Test
  void manyCommitsAreAllCapturedAndAWaitingReaderGetsTheNextAtOnce() throws Exception {
    Path db = dir.resolve("p.db");
    Harness.create(db, 3);
    try (Connection app = Sqlite.openWal(db, 1000);
        DatabaseCapture cap =
            Harness.start(
                db, CaptureSettings.DEFAULTS.withMonitorInterval(Duration.ofHours(1)), 1)) {
      Harness.awaitCapturing(cap);
      Harness.awaitCaughtUp(cap);
      // no reader waits (a shipper uploading, or between sync-interval rounds)
      for (int i = 0; i < 50; i++) {
        Sqlite.exec(app, "insert into t(x) values(randomblob(100))");
      }
      Harness.awaitCaughtUp(cap);
      // a reader waits: the next commit ends its wait (its file event)
      Position seen = cap.end();
      Thread writer =
          new Thread(
              () -> {
                try {
                  Thread.sleep(20);
                  Sqlite.exec(app, "insert into t(x) values('next')");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      writer.start();
      Position next = cap.awaitChange(seen, Duration.ofSeconds(30));
      writer.join();
      assertTrue(next.compareTo(seen) > 0, next + " after " + seen);
    }
  }

  @Test
  void closeCapturesTheLastCommitsAndReleasesEveryLock() throws Exception {
    Path db = dir.resolve("c.db");
    Harness.create(db, 3);
    DatabaseCapture cap =
        Harness.start(db, CaptureSettings.DEFAULTS.withMonitorInterval(Duration.ofHours(1)), 1);
    Harness.awaitCapturing(cap);
    Harness.awaitCaughtUp(cap);
    try (Connection app = Sqlite.openWal(db, 0)) {
      cap.close();
      Sqlite.exec(app, "insert into t(x) values('after close')");
    }
    assertEquals(CaptureStatus.State.CLOSED, cap.status().state());
    assertEquals(
        "delete",
        Sqlite.cli(db, "PRAGMA journal_mode=DELETE").strip(),
        "nobody holds the database any more");
    assertTrue(Files.notExists(LiveWal.pathOf(db)));
  }

  @Test
  void captureErrorsShowAsStatusAndCaptureRetries() throws Exception {
    Path db = dir.resolve("e.db");
    Harness.create(db, 3);
    Path notADir = dir.resolve("meta-is-a-file");
    Files.writeString(notADir, "x");
    CaptureSettings s =
        CaptureSettings.DEFAULTS.withMetaDir(notADir).withMonitorInterval(Duration.ofMillis(50));
    try (DatabaseCapture cap = Harness.start(db, s, 1)) {
      Await.until(
          Duration.ofSeconds(10),
          "a failing status",
          () -> cap.status().state() == CaptureStatus.State.FAILING);
      assertTrue(cap.status().detail().contains(notADir.toString()), cap.status().detail());
      Files.delete(notADir);
      Harness.awaitCapturing(cap);
    }
  }

  @Test
  void aSecondCaptureOfTheSameDatabaseIsRefused() throws Exception {
    Path db = dir.resolve("two.db");
    Harness.create(db, 3);
    try (DatabaseCapture first = Harness.start(db, CaptureSettings.DEFAULTS, 1)) {
      Harness.awaitCapturing(first);
      try (DatabaseCapture second = Harness.start(db, CaptureSettings.DEFAULTS, 2)) {
        Await.until(
            Duration.ofSeconds(10),
            "the second to fail",
            () -> second.status().state() == CaptureStatus.State.FAILING);
        assertTrue(second.status().detail().contains("another capture"), second.status().detail());
      }
      assertEquals(CaptureStatus.State.CAPTURING, first.status().state());
    }
  }

  @Test
  void indexLengthAndReadFollowTheContract() throws Exception {
    Path db = dir.resolve("r.db");
    Harness.create(db, 3);
    try (DatabaseCapture cap = Harness.start(db, CaptureSettings.DEFAULTS, 1);
        Connection app = Sqlite.openWal(db, 0)) {
      Harness.awaitCapturing(cap);
      Sqlite.exec(app, "insert into t(x) values(1)");
      Harness.awaitCaughtUp(cap);
      Position e = cap.end();
      assertEquals(e.offset(), cap.indexLength(e.generation(), e.index()));
      try (InputStream in = cap.read(new Position(e.generation(), e.index(), 0), e.offset())) {
        byte[] b = in.readAllBytes();
        assertEquals(e.offset(), b.length);
        assertEquals(0x377f0682, java.nio.ByteBuffer.wrap(b).getInt() & ~1);
      }
      assertThrows(NoSuchFileException.class, () -> cap.indexLength(e.generation(), e.index() + 1));
      assertThrows(
          NoSuchFileException.class,
          () -> cap.indexLength(Generation.parse("0123456789abcdef"), 0));
      assertThrows(
          IllegalArgumentException.class,
          () -> cap.read(new Position(e.generation(), e.index(), 0), e.offset() + 1));
      assertEquals(e, cap.awaitChange(e, Duration.ofMillis(50)), "times out unchanged");
    }
  }

  @Test
  void aSnapshotLeaseKeepsItsIndexCurrentUntilClosed() throws Exception {
    Path db = dir.resolve("l.db");
    Harness.create(db, 3);
    CaptureSettings s = CaptureSettings.DEFAULTS.withCheckpointPageCounts(10, 50);
    try (DatabaseCapture cap = Harness.start(db, s, 1);
        Connection app = Sqlite.openWal(db, 0)) {
      Harness.awaitCapturing(cap);
      Harness.awaitCaughtUp(cap);
      SnapshotLease lease = cap.snapshot();
      int index = lease.name().index();
      assertEquals(cap.end().generation(), lease.name().generation());
      for (int i = 0; i < 40; i++) {
        Sqlite.exec(app, "insert into t(x) values(randomblob(3000))");
      }
      Harness.awaitCaughtUp(cap);
      assertEquals(index, cap.end().index(), "no restart while the lease is open");
      byte[] file;
      try (InputStream in = lease.database()) {
        file = in.readAllBytes();
      }
      assertEquals(0, file.length % 4096);
      assertEquals("SQLite format 3\0", new String(file, 0, 16, "US-ASCII"));
      assertThrows(java.io.IOException.class, lease::database, "read once");
      lease.close();
      Sqlite.exec(app, "insert into t(x) values(1)");
      Await.until(
          Duration.ofSeconds(10), "a restart after the lease", () -> cap.end().index() > index);
    }
  }

  @Test
  void shippedIndicesArePrunedAndTwoAreKeptWithoutReplicas() throws Exception {
    Path db = dir.resolve("p.db");
    Harness.create(db, 3);
    CaptureSettings s = CaptureSettings.DEFAULTS.withCheckpointPageCounts(10, 50);
    try (DatabaseCapture cap = Harness.start(db, s, 1);
        Connection app = Sqlite.openWal(db, 0)) {
      Harness.awaitCapturing(cap);
      Generation g = cap.end().generation();
      cap.shipped("slow", new Position(g, 0, 0));
      restarts(cap, app, 4);
      MetaDir meta = new MetaDir(cap.metaDir());
      assertEquals(0, meta.shadowIndices(g).firstKey(), "a lagging replica keeps index 0");
      Position e = cap.end();
      cap.shipped("slow", new Position(g, e.index() - 1, cap.indexLength(g, e.index() - 1)));
      Sqlite.exec(app, "insert into t(x) values(1)");
      Await.until(
          Duration.ofSeconds(10), "pruning", () -> meta.shadowIndices(g).firstKey() == e.index());
      assertEquals(
          "slow",
          MetaDir.decodeName(
              Files.list(cap.metaDir().resolve("replicas"))
                  .findFirst()
                  .orElseThrow()
                  .getFileName()
                  .toString()));
    }
    Path db2 = dir.resolve("q.db");
    Harness.create(db2, 3);
    try (DatabaseCapture cap = Harness.start(db2, s, 1);
        Connection app = Sqlite.openWal(db2, 0)) {
      Harness.awaitCapturing(cap);
      restarts(cap, app, 4);
      Generation g = cap.end().generation();
      MetaDir meta = new MetaDir(cap.metaDir());
      Await.until(
          Duration.ofSeconds(10),
          "only the current and previous index kept",
          () ->
              meta.shadowIndices(g)
                  .keySet()
                  .equals(java.util.Set.of(cap.end().index() - 1, cap.end().index())));
      assertTrue(cap.end().index() >= 4);
    }
  }

  @Test
  void theCheckpointIntervalEndsAnIndexThatHoldsApplicationFrames() throws Exception {
    Path db = dir.resolve("i.db");
    Harness.create(db, 3);
    MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    CaptureSettings s =
        CaptureSettings.DEFAULTS
            .withCheckpointInterval(Duration.ofMinutes(1))
            .withMonitorInterval(Duration.ofMillis(50));
    try (DatabaseCapture cap = DatabaseCapture.open(db, s, clock, Ticker.SYSTEM, new Random(1));
        Connection app = Sqlite.openWal(db, 0)) {
      cap.start();
      Harness.awaitCapturing(cap);
      Harness.awaitCaughtUp(cap);
      int start = cap.end().index();
      clock.advance(Duration.ofMinutes(2));
      Thread.sleep(300);
      assertEquals(start, cap.end().index(), "no application frame: nothing to end");
      Sqlite.exec(app, "insert into t(x) values(1)");
      Harness.awaitCaughtUp(cap);
      Await.until(
          Duration.ofSeconds(10),
          "the interval restart; " + cap.end() + " " + start + " " + cap.status(),
          () -> cap.end().index() == start + 1);
      Sqlite.exec(app, "insert into t(x) values(2)");
      Thread.sleep(300);
      assertEquals(start + 1, cap.end().index(), "the new index is younger than the interval");
    }
  }

  private static void restarts(DatabaseCapture cap, Connection app, int n) throws Exception {
    for (int round = 0; round < n; round++) {
      int before = cap.end().index();
      for (int i = 0; i < 15; i++) {
        Sqlite.exec(app, "insert into t(x) values(randomblob(3000))");
      }
      Await.until(Duration.ofSeconds(10), "a restart", () -> cap.end().index() > before);
    }
  }

  static Clock utc() {
    return Clock.systemUTC();
  }
}
