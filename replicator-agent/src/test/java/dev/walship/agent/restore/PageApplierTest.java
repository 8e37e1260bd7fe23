package dev.walship.agent.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.Sqlite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database file taken before a batch of writes plus the WAL SQLite wrote for them, applied page
 * by page, gives the database after the writes; an in-flight tail is not applied.
 */
class PageApplierTest {
  @TempDir Path tmp;

  /** Copies of: the db file before, its WAL after the writes; returns the dump after. */
  static String scenario(Path dir, Path before, Path wal, boolean shrink) throws Exception {
    Path db = dir.resolve("src.db");
    try (Connection c = Sqlite.openWal(db, 0)) {
      Sqlite.exec(c, "create table t(x)");
      for (int i = 0; i < 50; i++) {
        Sqlite.exec(c, "insert into t values(randomblob(1500))");
      }
      Sqlite.exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
      Files.copy(db, before);
      for (int i = 0; i < 30; i++) {
        Sqlite.exec(c, "insert into t values(randomblob(" + (100 + i * 200) + "))");
      }
      if (shrink) {
        Sqlite.exec(c, "delete from t where rowid < 60", "VACUUM");
      }
      Files.copy(Path.of(db + "-wal"), wal);
      return Sqlite.dump(db);
    }
  }

  /** Feeds {@code wal}'s bytes to the applier in uneven pieces, as segments would arrive. */
  static void apply(WalApplier applier, Path db, Path work, Path wal) throws IOException {
    byte[] b = Files.readAllBytes(wal);
    try (WalApplier.IndexSink sink = applier.open(db, work, 0)) {
      int at = 0;
      for (int step = 1; at < b.length; step = step * 3 % 10007 + 1) {
        int n = Math.min(step, b.length - at);
        sink.out().write(b, at, n);
        at += n;
      }
      sink.finish();
    }
  }

  @Test
  void appliesCommittedFramesAndTheFinalSize() throws Exception {
    for (boolean shrink : new boolean[] {false, true}) {
      Path dir = Files.createDirectories(tmp.resolve("s" + shrink));
      Path db = dir.resolve("restored.db");
      Path wal = dir.resolve("index.wal");
      String expected = scenario(dir, db, wal, shrink);
      long before = Files.size(db);
      apply(new PageApplier(), db, dir, wal);
      assertEquals(expected, Sqlite.dump(db), "shrink=" + shrink);
      assertEquals("ok\n", Sqlite.cli(db, "PRAGMA integrity_check"));
      if (shrink) {
        assertTrue(Files.size(db) < before + 30 * 4096, "VACUUM's smaller size applied");
      }
    }
  }

  @Test
  void dropsTheUncommittedTail() throws Exception {
    Path src = tmp.resolve("src.db");
    Path before = tmp.resolve("restored.db");
    Path wal = tmp.resolve("index.wal");
    try (Connection c = Sqlite.openWal(src, 0)) {
      Sqlite.exec(c, "create table t(x)", "PRAGMA wal_checkpoint(TRUNCATE)");
      Files.copy(src, before);
      Sqlite.exec(c, "insert into t values('committed')", "PRAGMA cache_size=2");
      c.setAutoCommit(false);
      for (int i = 0; i < 40; i++) {
        Sqlite.exec(c, "insert into t values(randomblob(3000))"); // spills uncommitted frames
      }
      Files.copy(Path.of(src + "-wal"), wal);
      c.rollback();
    }
    apply(new PageApplier(), before, tmp, wal);
    assertEquals("1|committed\n", Sqlite.cli(before, "select count(*), group_concat(x) from t"));
    assertEquals("ok\n", Sqlite.cli(before, "PRAGMA integrity_check"));
  }

  @Test
  void refusesAWalOfAnotherPageSize() throws Exception {
    Path db = tmp.resolve("restored.db");
    Path wal = tmp.resolve("index.wal");
    scenario(tmp, db, wal, false);
    byte[] b = Files.readAllBytes(db);
    b[16] = 0x20; // 8192
    Files.write(db, b);
    IOException e = assertThrows(IOException.class, () -> apply(new PageApplier(), db, tmp, wal));
    assertTrue(
        e.getMessage().endsWith("page size 8192 != the WAL's page size 4096"), e.getMessage());
  }
}
