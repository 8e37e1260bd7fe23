package dev.walship.agent.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.lz4.Lz4;
import dev.walship.format.store.FileReplicaStore;
import dev.walship.testing.Await;
import dev.walship.testing.Litestream;
import dev.walship.testing.Sqlite;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The byte bound of a restart (scripts/bench/catchup measures it at 200 MB beside Litestream): the
 * agent (the real capture and shipper, in this JVM, shipping over SFTP to replica-server, which
 * validates every segment) is stopped; the application updates 5% of a database's pages,
 * checkpointing and restarting its WAL halfway; the agent is started again. What it uploads is
 * within twice the changed pages compressed with LZ4, a small part of a snapshot, in the same
 * generation; the replica then restores (Litestream v0.3.13) to exactly the source.
 */
class CatchUpUploadIT {
  private static final int ROWS = 4000;

  @TempDir Path tmp;

  @Test
  void aRestartUploadsTheChangedPagesNotTheDatabase() throws Exception {
    Path db = tmp.resolve("app.db");
    Sqlite.cli(
        db,
        "pragma journal_mode=wal; create table t(id integer primary key, v blob);"
            + " with recursive c(i) as (select 1 union all select i+1 from c where i < "
            + ROWS
            + ")"
            + " insert into t(v) select randomblob(4000) from c;");
    try (TestServer server = TestServer.start(tmp);
        Connection app = Sqlite.openWal(db, 1000)) {
      Path replica = server.replicaDir("app");
      replicate(db, server);
      long before = bytes(replica);
      long snapshot = bytes(replica.resolve("generations"), ".snapshot.lz4");
      Sqlite.exec(app, "PRAGMA wal_checkpoint(TRUNCATE)");
      Path old = Files.copy(db, tmp.resolve("before.db"));
      SplittableRandom r = new SplittableRandom(5);
      int[] ids = r.ints(1, ROWS + 1).distinct().limit(ROWS / 20).toArray();
      for (int i = 0; i < ids.length; i += 10) {
        if (i == ids.length / 2) {
          Sqlite.exec(app, "PRAGMA wal_checkpoint(TRUNCATE)");
        }
        Sqlite.exec(app, "BEGIN");
        for (int k = i; k < Math.min(ids.length, i + 10); k++) {
          Sqlite.exec(app, "update t set v = randomblob(4000) where id = " + ids[k]);
        }
        Sqlite.exec(app, "COMMIT");
      }
      long changed = changedPagesLz4(old, db);
      replicate(db, server);
      long uploaded = bytes(replica) - before;
      System.out.printf(
          "restart after %d of %d rows changed: %d bytes uploaded, changed pages %d"
              + " bytes (LZ4), snapshot %d bytes%n",
          ids.length, ROWS, uploaded, changed, snapshot);
      assertTrue(uploaded <= 2 * changed, uploaded + " bytes uploaded, changed pages " + changed);
      assertTrue(uploaded < snapshot / 5, uploaded + " bytes uploaded, snapshot " + snapshot);
      assertEquals(1, new FileReplicaStore(replica).generations().size());
      Path out = tmp.resolve("restored.db");
      Litestream.run("restore", "-o", out.toString(), "file://" + replica).orThrow();
      assertEquals(Sqlite.dump(db), Sqlite.dump(out));
    }
  }

  /** Runs the agent until the replica holds everything captured, then stops it. */
  private static void replicate(Path db, TestServer server) throws Exception {
    long files = files(server.replicaDir("app"));
    Replicator r =
        Replicator.builder()
            .database(db)
            .replica(server.store("app"))
            .random(new SplittableRandom(3))
            .start();
    try {
      Await.until(
          Duration.ofSeconds(60),
          "this run to ship, and the replica to catch up",
          () -> files(server.replicaDir("app")) > files && r.sync(Duration.ofSeconds(1)));
      assertTrue(r.stop(Duration.ofSeconds(60)));
    } finally {
      r.close();
    }
  }

  /** The pages that differ between {@code old} and the database now, compressed with LZ4. */
  private static long changedPagesLz4(Path old, Path db) throws Exception {
    Path now = db.resolveSibling("now.db");
    Files.copy(db, now);
    Path wal = db.resolveSibling(db.getFileName() + "-wal");
    if (Files.exists(wal)) {
      Files.copy(wal, now.resolveSibling("now.db-wal"));
    }
    Sqlite.cli(now, "PRAGMA wal_checkpoint(TRUNCATE)");
    byte[] a = Files.readAllBytes(old);
    byte[] b = Files.readAllBytes(now);
    assertEquals(a.length, b.length, "updates in place: the database keeps its size");
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = Lz4.compressing(sink)) {
      for (int p = 0; p < b.length; p += 4096) {
        if (!Arrays.equals(a, p, p + 4096, b, p, p + 4096)) {
          out.write(b, p, 4096);
        }
      }
    }
    return sink.size();
  }

  /** How many files {@code dir} holds (0 when it does not exist). */
  private static long files(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  private static long bytes(Path dir) throws Exception {
    return bytes(dir, "");
  }

  private static long bytes(Path dir, String suffix) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> p.toString().endsWith(suffix))
          .mapToLong(p -> p.toFile().length())
          .sum();
    }
  }
}
