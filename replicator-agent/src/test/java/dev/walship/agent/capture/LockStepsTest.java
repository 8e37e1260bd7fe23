package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import dev.walship.format.wal.WalHeader;
import dev.walship.format.wal.WalReader;
import dev.walship.format.wal.WalScan;
import dev.walship.testing.Await;
import dev.walship.testing.Sqlite;
import dev.walship.toolkit.time.Ticker;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Capture's read mark and its own WAL restarts, against a real application on the same file. */
class LockStepsTest {
  private static final Duration STORM = Duration.ofSeconds(Long.getLong("storm.seconds", 30));

  @TempDir Path dir;

  @Test
  void theMarkKeepsTheApplicationFromRestartingTheWal() throws Exception {
    Path db = dir.resolve("m.db");
    Harness.create(db, 10);
    try (DatabaseCapture cap = Harness.start(db, CaptureSettings.DEFAULTS, 1);
        Connection app = Sqlite.openWal(db, 0)) {
      Harness.awaitCapturing(cap);
      Sqlite.exec(app, "insert into t(x) values(1)");
      Harness.awaitCaughtUp(cap);
      WalHeader before = Harness.walHeader(db);
      Sqlite.exec(app, "PRAGMA busy_timeout=200");
      assertEquals(
          1,
          Sqlite.queryLong(app, "PRAGMA wal_checkpoint(TRUNCATE)"),
          "the application's TRUNCATE checkpoint cannot restart the WAL");
      Sqlite.queryLong(app, "PRAGMA wal_checkpoint(PASSIVE)");
      Sqlite.exec(app, "insert into t(x) values(2)");
      assertTrue(Harness.walHeader(db).sameSalts(before), "the write appended");
      Harness.awaitCaughtUp(cap);
      assertEquals(0, cap.end().index());
    }
  }

  @Test
  void captureRestartsTheWalOnceAnIndexReachesTheThreshold() throws Exception {
    Path db = dir.resolve("t.db");
    Harness.create(db, 10);
    CaptureSettings s = CaptureSettings.DEFAULTS.withCheckpointPageCounts(20, 100);
    try (DatabaseCapture cap = Harness.start(db, s, 2);
        Connection app = Sqlite.openWal(db, 0)) {
      Harness.awaitCapturing(cap);
      Harness.awaitCaughtUp(cap);
      cap.shipped("pin", new Position(cap.end().generation(), 0, 0));
      for (int round = 0; round < 5; round++) {
        int before = cap.end().index();
        for (int i = 0; i < 25; i++) {
          Sqlite.exec(app, "insert into t(x) values(randomblob(3000))");
        }
        Await.until(
            Duration.ofSeconds(10),
            "a restart after 25 more frames",
            () -> cap.end().index() > before);
      }
      MetaDir meta = new MetaDir(cap.metaDir());
      int last = cap.end().index();
      for (int i = last - 4; i < last; i++) {
        long frames = (Files.size(meta.shadowWal(cap.end().generation(), i)) - 32) / 4120;
        assertTrue(frames >= 20, "index " + i + " ended at the threshold, not before: " + frames);
      }
    }
  }

  @Test
  void captureWaitsForApplicationReadersBeforeRestarting() throws Exception {
    Path db = dir.resolve("r.db");
    Harness.create(db, 10);
    CaptureSettings s =
        CaptureSettings.DEFAULTS
            .withCheckpointPageCounts(20, 100)
            .withMonitorInterval(Duration.ofMillis(100));
    try (DatabaseCapture cap = Harness.start(db, s, 3);
        Connection app = Sqlite.openWal(db, 0);
        Connection reader = Sqlite.openWal(db, 0)) {
      Harness.awaitCapturing(cap);
      Harness.awaitCaughtUp(cap);
      int start = cap.end().index();
      Sqlite.exec(reader, "BEGIN");
      Sqlite.queryLong(reader, "select count(*) from t");
      for (int i = 0; i < 60; i++) {
        Sqlite.exec(app, "insert into t(x) values(randomblob(3000))");
      }
      Harness.awaitCaughtUp(cap);
      Thread.sleep(500);
      assertEquals(start, cap.end().index(), "no restart under the reader's snapshot");
      assertEquals(60, Sqlite.queryLong(app, "select count(*) from t") - 10);
      Sqlite.exec(reader, "COMMIT");
      Await.until(
          Duration.ofSeconds(10),
          "a restart once the reader ended",
          () -> cap.end().index() > start);
    }
  }

  /**
   * The shadow is synced before capture lets the WAL restart: at that moment the index holds every
   * committed frame of the WAL (still the same cycle) and all of it is on disk. The real history,
   * read mark and lock steps; only the history's makeDurable is watched.
   */
  @Test
  void theIndexIsDurableBeforeCapturesWriteRestartsTheWal() throws Exception {
    Path db = dir.resolve("d.db");
    Harness.create(db, 10);
    MetaDir meta = new MetaDir(dir.resolve("meta"));
    Generation g = Generation.parse("00000000000000cd");
    try (Connection app = Sqlite.openWal(db, 0);
        Sql sql = Sql.open(db, Duration.ofSeconds(1), Ticker.SYSTEM);
        DatabaseFile file = DatabaseFile.open(db);
        WalIndex walIndex = WalIndex.open(db)) {
      History history =
          new History(db, meta, Clock.systemUTC(), new Outbox(Clock.systemUTC(), Ticker.SYSTEM));
      history.attach(file, sql.pageSize());
      meta.createGeneration(g);
      assertTrue(history.begin(g));
      Watched tail = new Watched(history, LiveWal.pathOf(db));
      ReadMark mark =
          new ReadMark(
              sql, tail, walIndex, new MarkLag(1, Duration.ofSeconds(1)), System::nanoTime);
      LockSteps steps = new LockSteps(sql, tail, mark, Duration.ofSeconds(1));
      try {
        mark.begin();
        assertTrue(steps.anchor());
        for (int i = 0; i < 30; i++) {
          Sqlite.exec(app, "insert into t(x) values(randomblob(3000))");
        }
        int before = history.index();
        assertEquals(LockSteps.Result.RESTARTED, steps.restart());
        assertTrue(history.index() > before);
        assertEquals(2, tail.durable.size(), "anchor and restart: " + tail.durable);
        assertEquals("same cycle, synced to the WAL's committed end", tail.durable.get(1));
      } finally {
        mark.drop();
        history.reset();
      }
    }
  }

  /** The real {@link History}, with each makeDurable recorded against the live WAL. */
  private static final class Watched implements Tail {
    final History history;
    final Path wal;
    final List<String> durable = new ArrayList<>();

    Watched(History history, Path wal) {
      this.history = history;
      this.wal = wal;
    }

    @Override
    public boolean capture(OwnWrite expect) throws IOException, Discontinuity {
      return history.capture(expect);
    }

    @Override
    public void makeDurable() throws IOException {
      history.makeDurable();
      byte[] bytes = Files.readAllBytes(wal);
      ShadowIndex s = history.shadow();
      if (bytes.length < WalHeader.SIZE || s == null) {
        durable.add("no WAL cycle yet");
        return;
      }
      WalScan live = WalReader.scan(new ByteArrayInputStream(bytes));
      durable.add(
          live.header().sameSalts(s.header()) && s.synced() == live.committedEnd()
              ? "same cycle, synced to the WAL's committed end"
              : "WAL "
                  + live.header()
                  + " at "
                  + live.committedEnd()
                  + ", shadow synced to "
                  + s.synced());
    }

    @Override
    public OwnWrite expectation() throws IOException {
      return history.expectation();
    }

    @Override
    public void ownWriteCopied() {
      history.ownWriteCopied();
    }

    @Override
    public Position end() {
      return history.end();
    }

    @Override
    public int frameSize() {
      return history.frameSize();
    }
  }

  /**
   * docs/design.md §3: the application's own checkpoints keep working. Under a write storm with
   * SQLite's default autocheckpoint, the WAL with capture running stays under twice its size
   * without.
   */
  @Test
  void theApplicationsCheckpointsKeepWorkingUnderAWriteStorm() throws Exception {
    Path alone = dir.resolve("alone.db");
    Harness.create(alone, 10);
    long without = storm(alone);

    Path db = dir.resolve("storm.db");
    Harness.create(db, 10);
    long with;
    int indices;
    try (DatabaseCapture cap = Harness.start(db, CaptureSettings.DEFAULTS, 4)) {
      Harness.awaitCapturing(cap);
      with = storm(db);
      Harness.awaitCaughtUp(cap);
      indices = cap.end().index();
    }
    System.out.printf(
        "write storm of %s: largest WAL %d bytes without capture, %d with"
            + " (%d WAL restarts by capture)%n",
        STORM, without, with, indices);
    assertTrue(indices >= 3, "capture restarted the WAL: " + indices);
    assertTrue(with < 2 * without, "WAL " + with + " bytes with capture, " + without + " without");
  }

  /** Writes small transactions for {@link #STORM}; returns the largest WAL size seen. */
  private static long storm(Path db) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong max = new AtomicLong();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Path wal = LiveWal.pathOf(db);
    Thread sampler =
        new Thread(
            () -> {
              while (!stop.get()) {
                try {
                  max.accumulateAndGet(Files.exists(wal) ? Files.size(wal) : 0, Math::max);
                  Thread.sleep(2);
                } catch (Exception e) {
                  // the WAL may vanish between exists and size
                }
              }
            });
    Thread writer =
        new Thread(
            () -> {
              try (Connection c = Sqlite.openWal(db, 1000)) {
                while (!stop.get()) {
                  Sqlite.exec(c, "insert into t(x) values(randomblob(200))");
                }
              } catch (Throwable t) {
                failed.set(t);
              }
            });
    sampler.start();
    writer.start();
    Thread.sleep(STORM.toMillis());
    stop.set(true);
    writer.join();
    sampler.join();
    if (failed.get() != null) {
      throw new AssertionError("storm writer failed", failed.get());
    }
    return max.get();
  }
}
