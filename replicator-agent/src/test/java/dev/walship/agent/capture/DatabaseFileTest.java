package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.Sqlite;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseFileTest {
  @TempDir Path dir;

  /**
   * The reason for the class: an in-process connection's locks survive capture opening and closing
   * its handle, so another process cannot think it is the last user and delete the WAL.
   */
  @Test
  void closingTheHandleKeepsThisProcesssSqliteLocks() throws Exception {
    Path db = dir.resolve("l.db");
    try (Connection app = Sqlite.openWal(db, 0)) {
      Sqlite.exec(app, "create table t(x)", "insert into t values(1)");
      DatabaseFile f = DatabaseFile.open(db);
      f.close();
      Sqlite.cli(db, "select count(*) from t");
      assertTrue(Files.exists(LiveWal.pathOf(db)), "the sqlite3 CLI did not delete our WAL");
      Sqlite.exec(app, "insert into t values(2)");
      assertEquals(2, Sqlite.queryLong(app, "select count(*) from t"));
    }
  }

  @Test
  void handlesAreSharedAndReadTheFile() throws Exception {
    Path db = dir.resolve("s.db");
    Files.write(db, new byte[] {1, 2, 3, 4, 5});
    try (DatabaseFile a = DatabaseFile.open(db);
        DatabaseFile b = DatabaseFile.open(db)) {
      assertTrue(a.sameDescriptor(b));
      assertEquals(5, a.size());
      try (InputStream in = b.stream(5)) {
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, in.readAllBytes());
      }
      assertTrue(a.stillAtPath());
    }
  }

  @Test
  void aReplacedFileIsNoticedAndItsHandleClosed() throws Exception {
    Path db = dir.resolve("r.db");
    Files.write(db, new byte[] {1});
    DatabaseFile f = DatabaseFile.open(db);
    int withIt = DatabaseFile.openDescriptors();
    Path other = dir.resolve("other");
    Files.write(other, new byte[] {2});
    Files.move(other, db, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    assertFalse(f.stillAtPath());
    f.close();
    assertTrue(DatabaseFile.openDescriptors() <= withIt - 1, "closed once no longer the database");
  }
}
