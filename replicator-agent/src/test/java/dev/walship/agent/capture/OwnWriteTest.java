package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.wal.WalHeader;
import dev.walship.testing.Sqlite;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnWriteTest {
  @TempDir Path dir;

  @Test
  void recognisesTheCycleBegunByTheNoOpWriteAndNoOther() throws Exception {
    Path db = dir.resolve("o.db");
    try (Connection app = Sqlite.openWal(db, 0);
        Connection w = Sqlite.openWal(db, 0)) {
      Sqlite.exec(app, "create table t(x)", "insert into t values(1)");
      WalHeader old = Harness.walHeader(db);
      Sqlite.queryLong(app, "PRAGMA wal_checkpoint(PASSIVE)");
      int counter = counterOfDbPage1(db);
      OwnWrite expect = new OwnWrite(old, counter);
      long v = Sqlite.queryLong(w, "PRAGMA user_version");
      Sqlite.exec(w, "PRAGMA user_version=" + v);
      WalHeader now = Harness.walHeader(db);
      try (FileChannel ch = FileChannel.open(LiveWal.pathOf(db), StandardOpenOption.READ)) {
        assertTrue(expect.began(now, ch));
        assertFalse(new OwnWrite(old, counter + 1).began(now, ch), "another counter");
        assertFalse(new OwnWrite(now, counter).began(now, ch), "the cycle capture saw before");
      }
      Sqlite.queryLong(app, "PRAGMA wal_checkpoint(PASSIVE)");
      int c2 = counterOfDbPage1(db);
      Sqlite.exec(app, "insert into t values(2)");
      WalHeader appCycle = Harness.walHeader(db);
      try (FileChannel ch = FileChannel.open(LiveWal.pathOf(db), StandardOpenOption.READ)) {
        assertFalse(new OwnWrite(now, c2).began(appCycle, ch), "an application's restart");
      }
    }
  }

  private static int counterOfDbPage1(Path db) throws Exception {
    byte[] b = Files.readAllBytes(db);
    return ByteBuffer.wrap(b).getInt(24);
  }
}
