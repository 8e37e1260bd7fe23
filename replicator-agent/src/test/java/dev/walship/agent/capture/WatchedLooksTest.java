package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.work.FileWatches;
import dev.walship.agent.work.Workers;
import dev.walship.testing.Await;
import dev.walship.testing.Sqlite;
import dev.walship.toolkit.time.Ticker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With file events, a settled database is looked at on a safety net, not every monitor interval;
 * commits still arrive by event, and a change no event announced brings the monitor interval back.
 */
class WatchedLooksTest {
  private static final Duration FAST = Duration.ofMillis(20);

  @TempDir Path dir;

  @Test
  void aSettledWatchedDatabaseIsNotLookedAtEveryMonitorIntervalYetACommitArrivesAtOnce()
      throws Exception {
    Path db = dir.resolve("w.db");
    Harness.create(db, 3);
    try (DatabaseCapture cap = Harness.start(db, settings(), 7);
        Connection app = Sqlite.openWal(db, 0)) {
      awaitSettled(cap);
      long looks = cap.looks();
      Thread.sleep(1000); // an absence of looks: there is no condition to wait on
      long made = cap.looks() - looks;
      assertTrue(made <= 2, made + " looks in 1 s of a settled database (monitor-interval 20 ms)");

      var before = cap.end();
      Sqlite.exec(app, "insert into t(x) values(1)");
      Await.until(
          Duration.ofSeconds(3), // the safety net is 30 s: only the file event is this quick
          "the commit captured by its file event",
          () -> cap.end().compareTo(before) > 0);
    }
  }

  @Test
  void aChangeThatNoEventAnnouncedBringsBackTheMonitorInterval() throws Exception {
    Path db = dir.resolve("u.db");
    Harness.create(db, 3);
    DatabaseCapture cap =
        DatabaseCapture.open(db, settings(), Clock.systemUTC(), Ticker.SYSTEM, new Random(8));
    cap.safetyNet(Duration.ofMillis(300));
    try (Workers workers = Workers.start("test-capture", 1);
        Connection app = Sqlite.openWal(db, 0)) {
      FileWatches watches = FileWatches.start("test-watch");
      cap.start(workers, watches);
      awaitSettled(cap);
      watches.close(); // registered, but no event comes any more (as on a file system without)

      var before = cap.end();
      Sqlite.exec(app, "insert into t(x) values(1)");
      Path wal = LiveWal.pathOf(db);
      Files.setLastModifiedTime(wal, FileTime.from(Instant.now().minusSeconds(10))); // long ago
      Await.until(
          Duration.ofSeconds(5),
          "the commit captured by the safety net",
          () -> cap.end().compareTo(before) > 0);
      long looks = cap.looks();
      Await.until(
          Duration.ofSeconds(2), // 6 looks on the 300 ms net; 100 every 20 ms
          "looks every monitor interval again",
          () -> cap.looks() - looks >= 10);
      var second = cap.end();
      Sqlite.exec(app, "insert into t(x) values(2)");
      Await.until(
          Duration.ofSeconds(2), // the 300 ms net would do too; the point is the cadence above
          "the next commit captured without an event",
          () -> cap.end().compareTo(second) > 0);
    } finally {
      cap.close();
    }
  }

  private static CaptureSettings settings() {
    return CaptureSettings.DEFAULTS.withMonitorInterval(FAST);
  }

  /** Waits until the capture makes at most one look in 300 ms (its own work is done). */
  private static void awaitSettled(DatabaseCapture cap) {
    Harness.awaitCapturing(cap);
    Harness.awaitCaughtUp(cap);
    long[] seen = {cap.looks(), System.nanoTime()};
    Await.until(
        Duration.ofSeconds(15),
        "capture to settle",
        () -> {
          if (System.nanoTime() - seen[1] < Duration.ofMillis(300).toNanos()) {
            return false;
          }
          boolean quiet = cap.looks() - seen[0] <= 1;
          seen[0] = cap.looks();
          seen[1] = System.nanoTime();
          return quiet;
        });
  }
}
