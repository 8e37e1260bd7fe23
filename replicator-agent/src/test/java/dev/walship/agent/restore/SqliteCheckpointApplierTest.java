package dev.walship.agent.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.walship.testing.Sqlite;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteCheckpointApplierTest {
  @TempDir Path tmp;

  @Test
  void sqlitesCheckpointAppliesTheWalAndLeavesNoSidecars() throws Exception {
    for (boolean shrink : new boolean[] {false, true}) {
      Path dir = Files.createDirectories(tmp.resolve("s" + shrink));
      Path db = dir.resolve("restored.db");
      Path wal = dir.resolve("index.wal");
      String expected = PageApplierTest.scenario(dir, db, wal, shrink);
      PageApplierTest.apply(new SqliteCheckpointApplier(), db, dir, wal);
      assertFalse(Files.exists(Path.of(db + "-wal")));
      assertFalse(Files.exists(Path.of(db + "-shm")));
      assertEquals(expected, Sqlite.dump(db));
    }
  }
}
