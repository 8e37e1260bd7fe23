package dev.walship.agent.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.restore.RestorePlanner;
import dev.walship.agent.restore.RestoreSettings;
import dev.walship.agent.restore.RestoreTarget;
import dev.walship.agent.restore.Restorer;
import dev.walship.agent.restore.WalApplier;
import dev.walship.agent.sftp.SftpReplicaStore;
import dev.walship.agent.ship.ShipSettings;
import dev.walship.format.catalog.ReplicaCatalog;
import dev.walship.testing.Await;
import dev.walship.testing.OpenSshClient;
import dev.walship.testing.Proc;
import dev.walship.testing.Sqlite;
import dev.walship.toolkit.time.Ticker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Collections;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, finding 8: while the agent ships into replica-server (each segment written to a {@code
 * .tmp} name, then renamed), OpenSSH's {@code sftp} lists the generation's {@code wal/} with {@code
 * ls -l} over and over, and restores run one after another: no listing fails, and every restore
 * succeeds with a consistent prefix of the source (rows 0..k, nothing missing, integrity ok). Both
 * sides in one JVM.
 */
class ReadsDuringReplicationIT {
  @TempDir Path tmp;

  @Test
  void listingsAndRestoresTakenDuringLiveReplicationNeverFail() throws Exception {
    Path db = tmp.resolve("app.db");
    try (TestServer server = TestServer.start(tmp);
        Connection c = Sqlite.openWal(db, 1000)) {
      Sqlite.exec(c, "create table log(seq integer primary key, v blob)");
      Replicator r =
          Replicator.builder()
              .database(db)
              .replica("alpha", server.store("app"), ShipSettings.DEFAULTS)
              .random(new SplittableRandom(9))
              .start();
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicInteger written = new AtomicInteger();
      Thread writer = new Thread(() -> write(c, writing, written), "writer");
      writer.start();
      try {
        Path generations = server.replicaDir("app").resolve("generations");
        Await.until(
            Duration.ofSeconds(30),
            "a generation with WAL segments",
            () -> walDir(generations) != null);
        String wal = server.root.relativize(walDir(generations)).toString();
        OpenSshClient sftp =
            new OpenSshClient(
                TestServer.USER,
                server.port(),
                server.key.privateKey(),
                OpenSshClient.knownHosts(tmp, server.port(), server.server.hostKeyLine()));
        for (int batch = 0; batch < 3; batch++) {
          Proc.Result ls =
              sftp.sftp(tmp, Collections.nCopies(50, "ls -l " + wal).toArray(String[]::new));
          assertEquals(0, ls.exit(), ls.toString());
          assertFalse(ls.stderr().contains("Couldn't"), ls.toString());
        }
        for (int i = 0; i < 8; i++) {
          int before = written.get();
          long rows = restoredPrefix(server, tmp.resolve("restored-" + i + ".db"));
          assertTrue(
              rows >= Math.min(before, 1),
              "restore "
                  + i
                  + " holds "
                  + rows
                  + " rows; "
                  + before
                  + " were written before it began");
        }
        assertTrue(written.get() > 100, "replication was live: " + written.get() + " transactions");
      } finally {
        writing.set(false);
        writer.join();
        assertTrue(r.stop(Duration.ofSeconds(30)));
        r.close();
      }
    }
  }

  /** One row per transaction, seq 0, 1, 2, …, until told to stop. */
  private static void write(Connection c, AtomicBoolean writing, AtomicInteger written) {
    SplittableRandom random = new SplittableRandom(3);
    try (PreparedStatement p = c.prepareStatement("insert into log(seq, v) values(?, ?)")) {
      while (writing.get()) {
        byte[] v = new byte[200 + random.nextInt(3000)];
        random.nextBytes(v);
        p.setInt(1, written.get());
        p.setBytes(2, v);
        p.executeUpdate();
        written.incrementAndGet();
        Thread.sleep(2);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path walDir(Path generations) throws Exception {
    if (!Files.isDirectory(generations)) {
      return null;
    }
    try (Stream<Path> s = Files.list(generations)) {
      Path g = s.findFirst().orElse(null);
      return g != null && Files.isDirectory(g.resolve("wal")) ? g.resolve("wal") : null;
    }
  }

  /**
   * Restores the latest state now; returns its row count after checking it is rows 0..n-1 exactly.
   */
  private static long restoredPrefix(TestServer server, Path out) throws Exception {
    try (SftpReplicaStore store = server.store("app")) {
      new Restorer(
              store,
              new RestoreSettings(
                  4,
                  WalApplier.Mode.PAGES,
                  new PrintStream(new ByteArrayOutputStream()),
                  Duration.ofMinutes(1),
                  Ticker.SYSTEM))
          .restore(RestorePlanner.plan(ReplicaCatalog.load(store), RestoreTarget.LATEST), out);
    }
    assertEquals("ok\n", Sqlite.cli(out, "PRAGMA integrity_check"));
    String[] stats =
        Sqlite.cli(out, "SELECT count(*) || ' ' || coalesce(max(seq), -1) FROM log;")
            .trim()
            .split(" ");
    long count = Long.parseLong(stats[0]);
    assertEquals(
        count - 1,
        Long.parseLong(stats[1]),
        "a prefix: rows 0.." + (count - 1) + " with none missing");
    return count;
  }
}
