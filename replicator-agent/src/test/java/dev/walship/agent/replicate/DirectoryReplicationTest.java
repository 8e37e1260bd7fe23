package dev.walship.agent.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.config.AgentConfig;
import dev.walship.agent.config.ConfigLoader;
import dev.walship.agent.config.PathExpander;
import dev.walship.testing.Await;
import dev.walship.testing.Sqlite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@code dir:} entry with file replicas: recursion, watching, and what is not a database. */
class DirectoryReplicationTest {
  @TempDir Path tmp;

  private AgentConfig config(boolean watch) throws Exception {
    return new ConfigLoader(Map.of(), PathExpander.ofSystem())
        .parse(
            """
        dbs:
          - dir: %s
            pattern: "*.db"
            recursive: true
            watch: %s
            replicas:
              - path: %s
        """
                .formatted(tmp.resolve("data"), watch, tmp.resolve("backup")),
            "litestream.yml",
            false);
  }

  private static Connection create(Path db) throws Exception {
    Files.createDirectories(db.getParent());
    Connection c = Sqlite.openWal(db, 1000);
    Sqlite.exec(c, "CREATE TABLE t(v)", "INSERT INTO t VALUES ('" + db.getFileName() + "')");
    return c;
  }

  @Test
  void
      watchedRecursiveDirectoryFollowsNewSubdirectoriesAndDeletedDatabasesAndSkipsWhatIsNotADatabase()
          throws Exception {
    Path data = tmp.resolve("data");
    Path top = data.resolve("top.db");
    try (Connection c1 = create(top)) {
      Files.writeString(data.resolve("notes.db"), "text, not SQLite");
      Files.createDirectories(data.resolve("locked"));
      try (Replicator r = Replicator.builder().directory(config(true).dirs().get(0)).start()) {
        assertEquals(List.of(top), r.paths());
        Path deep = data.resolve("eu/west/deep.db"); // a new subdirectory, then a database in it
        try (Connection c2 = create(deep)) {
          Await.until(
              Duration.ofSeconds(10),
              "the database in a new subdirectory is followed",
              () -> r.paths().contains(deep));
          Sqlite.exec(c2, "INSERT INTO t VALUES ('more')");
          assertTrue(r.sync(Duration.ofSeconds(20)));
          assertTrue(
              Files.isDirectory(tmp.resolve("backup/eu/west/deep.db/generations")),
              "its replica lies at the entry's path plus eu/west/deep.db");
        }
        for (String f :
            new String[] {"eu/west/deep.db", "eu/west/deep.db-wal", "eu/west/deep.db-shm"}) {
          Files.deleteIfExists(data.resolve(f));
        }
        Await.until(
            Duration.ofSeconds(10),
            "a deleted database is no longer followed",
            () -> !r.paths().contains(deep));
        assertFalse(r.paths().contains(data.resolve("notes.db")));
        Files.writeString(data.resolve("notes.db"), "still not SQLite");
        Sqlite.exec(c1, "INSERT INTO t VALUES ('top again')");
        assertTrue(r.sync(Duration.ofSeconds(20)));
        assertEquals(List.of(top), r.paths());
      }
      assertTrue(Files.isDirectory(tmp.resolve("backup/top.db/generations")));
    }
  }

  @Test
  void withoutWatchOnlyTheDatabasesFoundAtStartAreReplicated() throws Exception {
    Path data = tmp.resolve("data");
    try (Connection c1 = create(data.resolve("a.db"))) {
      try (Replicator r = Replicator.builder().directory(config(false).dirs().get(0)).start();
          Connection c2 = create(data.resolve("b.db"))) {
        assertTrue(r.sync(Duration.ofSeconds(20)));
        Thread.sleep(300); // nothing may pick b.db up; there is no condition to wait for an absence
        assertEquals(List.of(data.resolve("a.db")), r.paths());
      }
    }
  }
}
