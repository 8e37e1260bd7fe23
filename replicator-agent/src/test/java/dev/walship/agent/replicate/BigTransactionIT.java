package dev.walship.agent.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.restore.RestorePlanner;
import dev.walship.agent.restore.RestoreSettings;
import dev.walship.agent.restore.RestoreTarget;
import dev.walship.agent.restore.Restorer;
import dev.walship.agent.restore.WalApplier;
import dev.walship.format.catalog.ReplicaCatalog;
import dev.walship.format.store.FileReplicaStore;
import dev.walship.testing.Await;
import dev.walship.testing.Proc;
import dev.walship.testing.Sqlite;
import dev.walship.testing.TestTools;
import dev.walship.toolkit.time.Ticker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One transaction of 400 MB (100,000 rows of 4 KB), written by the {@code sqlite3} CLI statement by
 * statement while the agent runs (the real {@code replicate} command in a child JVM with a 128 MB
 * heap, a file replica) and an application commits small rows every ~3 ms with SQLite's default
 * autocheckpoint. The transaction spills to the WAL long before it commits; the CLI's checkpoint
 * and close follow; capture's restarts then contend with the application's writes and checkpoints
 * for seconds. The WAL never restarts behind capture's back, so the history stays one generation;
 * the agent copies and ships the transaction without holding it in memory; the replica restores to
 * exactly the source. ({@code -Dbigtx.mb} sets the size.)
 */
class BigTransactionIT {
  private static final int MB = Integer.getInteger("bigtx.mb", 400);

  /** The heap the agent gets, and the bound on its peak RSS (heap, code, SQLite, threads). */
  private static final String HEAP = "128m";

  private static final long RSS_BOUND_KB = 256 * 1024;

  @TempDir Path tmp;

  @Test
  void aFourHundredMegabyteTransactionOfTheCliLeavesOneGeneration() throws Exception {
    Path db = tmp.resolve("app.db");
    Path replica = tmp.resolve("replica");
    Sqlite.cli(
        db,
        "pragma journal_mode=wal; create table t(id integer primary key, v blob);"
            + " insert into t(v) values(randomblob(100));");
    Path cfg =
        Files.writeString(
            tmp.resolve("replicator.yml"),
            "dbs:\n  - path: " + db + "\n    replicas:\n      - path: " + replica + "\n");
    Path log = tmp.resolve("agent.log");
    long peakKb;
    try (AgentProcess agent =
        AgentProcess.startWithHeap(log, HEAP, Map.of(), "replicate", "-config", cfg.toString())) {
      Await.until(
          Duration.ofSeconds(60),
          "the agent to run\n" + agent.log(),
          () -> agent.log().contains("snapshot comes first"));
      AtomicLong peak = new AtomicLong();
      AtomicBoolean done = new AtomicBoolean();
      Thread sampler =
          new Thread(
              () -> {
                while (!done.get()) {
                  peak.accumulateAndGet(agent.peakRssKb(), Math::max);
                  try {
                    Thread.sleep(50);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      sampler.start();
      LoadWriter writer = new LoadWriter(db);
      try {
        writer.start();
        cliTransaction(db, MB * 256);
        Thread.sleep(5000); // the application goes on while capture copies and restarts the WAL
        writer.stopAndCheck();
        agent.term();
        assertEquals(0, agent.waitFor(Duration.ofMinutes(5)), agent.log());
      } finally {
        writer.stopQuietly();
        done.set(true);
        sampler.join();
      }
      peakKb = peak.get();
    }
    String agentLog = Files.readString(log);
    System.out.printf(
        "%d MB transaction of the sqlite3 CLI: agent peak RSS %d MB (heap %s)%n",
        MB, peakKb / 1024, HEAP);
    AgentProcess.report(agentLog);
    FileReplicaStore store = new FileReplicaStore(replica);
    assertEquals(1, store.generations().size(), agentLog);
    assertFalse(agentLog.contains("without capture"), agentLog);
    assertTrue(peakKb > 0 && peakKb < RSS_BOUND_KB, "peak RSS " + peakKb + " kB");
    Path out = tmp.resolve("restored.db");
    new Restorer(
            store,
            new RestoreSettings(
                4,
                WalApplier.Mode.PAGES,
                new PrintStream(new ByteArrayOutputStream()),
                Duration.ofMinutes(5),
                Ticker.SYSTEM))
        .restore(RestorePlanner.plan(ReplicaCatalog.load(store), RestoreTarget.LATEST), out);
    String content =
        "select count(*), sha3_query('select id, v from t order by id'),"
            + " sha3_query('select * from items order by id') from t";
    assertEquals(Sqlite.cli(db, content), Sqlite.cli(out, content));
  }

  /** {@code rows} inserts of 4 KB in one transaction, one statement at a time, by the CLI. */
  private static void cliTransaction(Path db, int rows) {
    StringBuilder sql = new StringBuilder(".timeout 60000\nBEGIN;\n");
    for (int i = 0; i < rows; i++) {
      sql.append("insert into t(v) values(randomblob(4096));\n");
    }
    sql.append("COMMIT;\n");
    Proc.run(
            Duration.ofMinutes(10),
            null,
            Map.of(),
            sql.toString(),
            TestTools.onPath("sqlite3").toString(),
            db.toString())
        .orThrow();
  }
}
