package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.Sqlite;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Capture correctness under a realistic, hostile workload. */
class EngineTest {
  @TempDir Path dir;

  /**
   * A writer with transactions of every size (one page, several, more than 1000 pages), rollbacks
   * after spilling to the WAL, one VACUUM; SQLite's autocheckpoint on; application readers holding
   * snapshots for up to a second and a half (with pauses: while some reader always holds a
   * snapshot, SQLite itself cannot restart the WAL). The first snapshot plus every index must
   * rebuild the database exactly, and no index may hold a frame that is not committed.
   */
  @Test
  void theCapturedHistoryRebuildsTheDatabaseExactly() throws Exception {
    Path db = dir.resolve("stress.db");
    Harness.create(db, 50);
    DatabaseCapture cap = Harness.start(db, CaptureSettings.DEFAULTS, 7);
    Follower follower = new Follower(cap, "follower");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    threads.add(thread("writer", failed, () -> write(db, stop)));
    threads.add(thread("long-reader", failed, () -> read(db, stop, 1, 1500, 1500)));
    threads.add(thread("short-reader", failed, () -> read(db, stop, 2, 100, 400)));
    try {
      Harness.awaitCapturing(cap);
      threads.forEach(Thread::start);
      Thread.sleep(10_000);
    } finally {
      stop.set(true);
      for (Thread t : threads) {
        t.join(60_000);
      }
    }
    if (failed.get() != null) {
      throw new AssertionError("workload failed", failed.get());
    }
    Harness.awaitCaughtUp(cap);
    follower.catchUp(Duration.ofSeconds(30));
    int indices = cap.end().index();
    follower.close();
    cap.close();

    assertEquals(1, follower.generations().size(), "one unbroken generation");
    System.out.println("stress: " + indices + " WAL restarts by capture in 10 s");
    assertTrue(indices >= 2, "the WAL restarted between the readers: " + indices);
    follower.checkIndicesCommittedOnly();
    Path out = dir.resolve("rebuilt.db");
    follower.rebuild(follower.generations().get(0), out);
    Harness.assertSameDatabase(db, out);
  }

  private static Thread thread(String name, AtomicReference<Throwable> failed, Body body) {
    return new Thread(
        () -> {
          try {
            body.run();
          } catch (Throwable t) {
            failed.compareAndSet(null, t);
          }
        },
        name);
  }

  interface Body {
    void run() throws Exception;
  }

  private static void write(Path db, AtomicBoolean stop) throws Exception {
    Random r = new Random(42);
    try (Connection c = Sqlite.openWal(db, 1000)) {
      Sqlite.exec(c, "PRAGMA cache_size=50");
      int n = 0;
      boolean vacuumed = false;
      while (!stop.get()) {
        n++;
        int kind = r.nextInt(100);
        if (kind < 55) {
          Sqlite.exec(c, "insert into t(x) values(randomblob(" + r.nextInt(900) + "))");
        } else if (kind < 75) {
          Sqlite.exec(c, "insert into t(x) values(randomblob(" + (4000 + r.nextInt(40000)) + "))");
        } else if (kind < 82) {
          Sqlite.exec(c, "update t set x = randomblob(700) where id % 13 = " + r.nextInt(13));
        } else if (kind < 88) {
          Sqlite.exec(c, "delete from t where id % 29 = " + r.nextInt(29));
        } else if (kind < 94) {
          rollback(c, r);
        } else if (kind < 97) {
          Harness.insertPages(c, 1100 + r.nextInt(300));
        } else if (!vacuumed && n > 200) {
          Sqlite.exec(c, "VACUUM");
          vacuumed = true;
        }
      }
    }
  }

  private static void rollback(Connection c, Random r) throws SQLException {
    Sqlite.exec(c, "BEGIN");
    for (int i = 0; i < 100 + r.nextInt(200); i++) {
      Sqlite.exec(c, "insert into t(x) values(randomblob(3000))");
    }
    Sqlite.exec(c, "ROLLBACK");
  }

  /** Holds read transactions for up to {@code holdMs}, with pauses of up to {@code pauseMs}. */
  private static void read(Path db, AtomicBoolean stop, int seed, int holdMs, int pauseMs)
      throws Exception {
    Random r = new Random(seed);
    try (Connection c = Sqlite.openWal(db, 1000)) {
      while (!stop.get()) {
        Sqlite.exec(c, "BEGIN");
        Sqlite.queryLong(c, "select count(*) from t");
        Thread.sleep(10 + r.nextInt(holdMs));
        Sqlite.exec(c, "COMMIT");
        Thread.sleep(pauseMs / 3 + r.nextInt(pauseMs));
      }
    }
  }
}
