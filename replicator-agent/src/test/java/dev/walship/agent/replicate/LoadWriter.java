package dev.walship.agent.replicate;

import dev.walship.testing.Await;
import dev.walship.testing.Sqlite;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The application: one connection, SQLite's default autocheckpoint, a transaction every ~3 ms
 * inserting a row of 10 B to 6 KB (and now and then updating or deleting one).
 */
final class LoadWriter {
  final Path db;
  final AtomicBoolean stop = new AtomicBoolean();
  final AtomicBoolean paused = new AtomicBoolean();
  final AtomicBoolean idle = new AtomicBoolean();
  final AtomicInteger commits = new AtomicInteger();
  final AtomicReference<Throwable> failed = new AtomicReference<>();
  Thread thread;

  LoadWriter(Path db) {
    this.db = db;
  }

  void start() {
    thread = new Thread(this::run, "writer");
    thread.start();
  }

  private void run() {
    SplittableRandom r = new SplittableRandom(7);
    try (Connection c = Sqlite.openWal(db, 1000)) {
      Sqlite.exec(c, "PRAGMA busy_timeout=120000"); // another writer may hold the lock for long
      Sqlite.exec(c, "create table if not exists items(id integer primary key, v blob)");
      while (!stop.get()) {
        if (paused.get()) {
          idle.set(true);
          Thread.sleep(1);
          continue;
        }
        idle.set(false);
        transaction(c, r);
        commits.incrementAndGet();
        Thread.sleep(3);
      }
    } catch (Throwable t) {
      failed.set(t);
    }
  }

  private static void transaction(Connection c, SplittableRandom r) throws Exception {
    int kind = r.nextInt(100);
    String sql =
        kind < 85
            ? "insert into items(v) values(?)"
            : kind < 95
                ? "update items set v = ? where id = (select max(id) - ? from items)"
                : "delete from items where id = (select max(id) - ? from items)";
    try (PreparedStatement p = c.prepareStatement(sql)) {
      if (kind < 95) {
        byte[] b = new byte[10 + r.nextInt(6 * 1024 - 10)];
        for (int i = 0; i < b.length; i += 1 + r.nextInt(7)) {
          b[i] = (byte) r.nextInt(256);
        }
        p.setBytes(1, b);
      }
      if (kind >= 85) {
        p.setInt(kind < 95 ? 2 : 1, r.nextInt(50));
      }
      p.executeUpdate();
    }
  }

  void pause() {
    paused.set(true);
    Await.until(Duration.ofSeconds(10), "the writer to pause", idle::get);
  }

  void resume() {
    paused.set(false);
  }

  void stopAndCheck() throws Exception {
    stop.set(true);
    thread.join(30_000);
    if (failed.get() != null) {
      throw new AssertionError("the writer failed", failed.get());
    }
  }

  void stopQuietly() throws InterruptedException {
    stop.set(true);
    if (thread != null) {
      thread.join(30_000);
    }
  }
}
