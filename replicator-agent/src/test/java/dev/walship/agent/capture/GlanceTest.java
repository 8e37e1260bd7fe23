package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.Await;
import dev.walship.testing.Sqlite;
import dev.walship.toolkit.time.Ticker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An idle look costs a glance, and a glance never hides a commit. */
class GlanceTest {
  @TempDir Path dir;

  @Test
  void anIdleDatabaseIsLookedAtWithoutAFullLookAndASameSizeCommitIsStillCaptured()
      throws Exception {
    Path db = dir.resolve("g.db");
    Harness.create(db, 3);
    CaptureSettings s = CaptureSettings.DEFAULTS.withCheckpointPageCounts(10, 10000);
    AtomicLong now = new AtomicLong();
    Ticker ticker = now::get; // time moves only in settle(): a handoff by age is never due below
    Outbox out = new Outbox(Clock.systemUTC(), ticker);
    Engine e =
        new Engine(
            db, new MetaDir(s.metaDirFor(db)), s, Clock.systemUTC(), ticker, new Random(3), out);
    try (Connection app = Sqlite.openWal(db, 0)) {
      settle(e, now);
      long full = e.fullLooks();
      for (int i = 0; i < 20; i++) {
        e.look();
      }
      assertEquals(full, e.fullLooks(), "nothing changed: glances only");

      // capture restarts the WAL once an index holds 10 frames; SQLite then rewrites the WAL file
      // from its start, so the next commits leave its size as it was
      int index = out.end().index();
      for (int i = 0; i < 12; i++) {
        Sqlite.exec(app, "insert into t(x) values(randomblob(100))");
      }
      Await.until(
          Duration.ofSeconds(10),
          "capture's restart",
          () -> {
            e.look();
            return out.end().index() > index;
          });
      settle(e, now);
      Path wal = LiveWal.pathOf(db);
      long size = Files.size(wal);
      FileTime mtime = Files.getLastModifiedTime(wal);
      var before = out.end();
      full = e.fullLooks();
      Sqlite.exec(app, "insert into t(x) values(1)");
      assertEquals(size, Files.size(wal), "the commit reused the WAL file's space");
      Files.setLastModifiedTime(wal, mtime); // as a coarse clock could leave it
      e.look();
      assertEquals(full + 1, e.fullLooks(), "the wal-index header changed: a full look");
      assertTrue(out.end().compareTo(before) > 0, "the commit is captured: " + out.end());
    } finally {
      e.close();
    }
  }

  /** Looks until a look is a glance (the files stopped changing under capture's own steps). */
  private static void settle(Engine e, AtomicLong now) {
    Await.until(
        Duration.ofSeconds(10),
        "capture to settle",
        () -> {
          now.addAndGet(Duration.ofSeconds(2).toNanos());
          long full = e.fullLooks();
          e.look();
          return e.fullLooks() == full;
        });
  }
}
