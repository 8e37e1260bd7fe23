package dev.walship.format.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SqliteFilesTest {
  @Test
  void namesAreTheDatabasesPlusSqlitesSuffixes() {
    assertEquals(
        Path.of("/var/lib/app/app.db-wal"), SqliteFiles.wal(Path.of("/var/lib/app/app.db")));
    assertEquals(
        Path.of("/var/lib/app/app.db-shm"), SqliteFiles.shm(Path.of("/var/lib/app/app.db")));
    assertEquals(Path.of("rel/x-wal"), SqliteFiles.wal(Path.of("rel/x")));
    assertEquals("fruits.db-wal", SqliteFiles.walName("fruits.db"));
  }
}
