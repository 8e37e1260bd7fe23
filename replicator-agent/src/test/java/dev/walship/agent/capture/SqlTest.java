package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.Sqlite;
import dev.walship.toolkit.time.Ticker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlTest {
  @TempDir Path dir;

  @Test
  void neverCreatesTheDatabase() {
    Path db = dir.resolve("none.db");
    assertThrows(SQLException.class, () -> Sql.open(db, Duration.ofSeconds(1), Ticker.SYSTEM));
    assertFalse(Files.exists(db));
  }

  @Test
  void switchesToWalModeAndNeverCheckpointsOnItsOwnCommits() throws Exception {
    Path db = dir.resolve("w.db");
    try (Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db)) {
      Sqlite.exec(c, "create table t(x)");
    }
    try (Sql sql = Sql.open(db, Duration.ofSeconds(1), Ticker.SYSTEM)) {
      assertEquals("wal", Sqlite.cli(db, "PRAGMA journal_mode").strip());
      for (int i = 0; i < 1100; i++) {
        sql.setUserVersion(sql.writer1(), 0, Duration.ofSeconds(1));
      }
      Sql.Checkpoint ck = sql.checkpoint(Duration.ZERO);
      assertTrue(ck.logFrames() >= 1100, "1100 frames and no autocheckpoint restart: " + ck);
    }
  }

  @Test
  void theWriteLockIsWaitedForOnlyUntilTheDeadline() throws Exception {
    Path db = dir.resolve("l.db");
    Harness.create(db, 1);
    try (Sql sql = Sql.open(db, Duration.ofSeconds(1), Ticker.SYSTEM);
        Connection app = Sqlite.openWal(db, 0)) {
      Sqlite.exec(app, "BEGIN IMMEDIATE");
      long t0 = System.nanoTime();
      assertFalse(sql.beginImmediate(sql.writer1(), Duration.ofMillis(100)));
      assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(100).toNanos());
      Sqlite.exec(app, "COMMIT");
      assertTrue(sql.beginImmediate(sql.writer1(), Duration.ofMillis(100)));
      sql.rollbackQuietly(sql.writer1());
    }
  }

  @Test
  void readTransactionsComeFromAPoolOfThree() throws Exception {
    Path db = dir.resolve("p.db");
    Harness.create(db, 1);
    try (Sql sql = Sql.open(db, Duration.ofSeconds(1), Ticker.SYSTEM)) {
      Connection a = sql.beginRead();
      Connection b = sql.beginRead();
      Connection c = sql.beginRead();
      assertThrows(IllegalStateException.class, sql::beginRead);
      assertThrows(IllegalStateException.class, () -> sql.checkpoint(Duration.ZERO));
      sql.endRead(b);
      sql.checkpoint(Duration.ZERO);
      assertThrows(IllegalStateException.class, () -> sql.endRead(b));
      sql.endRead(a);
      sql.endRead(c);
    }
  }
}
