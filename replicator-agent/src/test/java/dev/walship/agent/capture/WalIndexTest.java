package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.wal.WalHeader;
import dev.walship.testing.Sqlite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wal-index header read from the {@code -shm} file agrees with what SQLite reports. */
class WalIndexTest {
  @TempDir Path dir;

  @Test
  void itAgreesWithSqlitesCheckpointCountsAndTheWalHeader() throws Exception {
    Path db = dir.resolve("w.db");
    try (Connection app = Sqlite.openWal(db, 0);
        Connection reader = Sqlite.openWal(db, 0)) {
      Sqlite.exec(app, "create table t(x)");
      for (int i = 0; i < 7; i++) {
        Sqlite.exec(app, "insert into t values(randomblob(2000))");
      }
      try (WalIndex index = WalIndex.open(db)) {
        WalIndex.State s = index.read();
        WalHeader h = Harness.walHeader(db);
        assertEquals(h.salt1(), s.salt1());
        assertEquals(h.salt2(), s.salt2());
        assertEquals(0, s.nBackfill());
        assertFalse(s.fullyCheckpointed());

        Sqlite.exec(reader, "BEGIN");
        Sqlite.queryLong(reader, "select count(*) from t");
        Sqlite.exec(app, "insert into t values(1)");
        long[] ck = checkpoint(app);
        s = index.read();
        assertEquals(ck[1], s.mxFrame());
        assertEquals(ck[2], s.nBackfill(), "the checkpoint stopped at the reader's mark");
        assertFalse(s.fullyCheckpointed());

        assertTrue(s.fileAtBackfill(), "no checkpoint began beyond what it copied");

        Sqlite.exec(reader, "COMMIT");
        ck = checkpoint(app);
        assertEquals(ck[1], ck[2]);
        assertTrue(index.read().fullyCheckpointed());
        Sqlite.exec(app, "insert into t values(2)");
        s = index.read();
        assertEquals(h.salt1() + 1, s.salt1(), "the write restarted the WAL");
        assertEquals(1, s.mxFrame());
        assertEquals(0, s.nBackfill());
        assertTrue(s.fileAtBackfill());
      }
    }
  }

  @Test
  void aShmWithoutAWalIndexIsRefusedByName() throws Exception {
    Path db = dir.resolve("x.db");
    Files.write(WalIndex.pathOf(db), new byte[200]);
    try (WalIndex index = WalIndex.open(db)) {
      IOException e = assertThrows(IOException.class, index::read);
      assertTrue(e.getMessage().contains(WalIndex.pathOf(db).toString()), e.getMessage());
    }
  }

  private static long[] checkpoint(Connection c) throws Exception {
    try (var s = c.createStatement();
        var r = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
      r.next();
      return new long[] {r.getLong(1), r.getLong(2), r.getLong(3)};
    }
  }
}
