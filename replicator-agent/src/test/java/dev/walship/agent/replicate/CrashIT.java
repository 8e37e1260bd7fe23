package dev.walship.agent.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.restore.RestorePlanner;
import dev.walship.agent.restore.RestoreSettings;
import dev.walship.agent.restore.RestoreTarget;
import dev.walship.agent.restore.Restorer;
import dev.walship.agent.restore.WalApplier;
import dev.walship.agent.sftp.SftpReplicaStore;
import dev.walship.format.catalog.ReplicaCatalog;
import dev.walship.testing.Await;
import dev.walship.testing.Sqlite;
import dev.walship.toolkit.time.Ticker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent (the real {@code replicate} command in a child JVM, replicating over SFTP to
 * replica-server) is killed with SIGKILL at 20 random moments while the application writes 2,000
 * transactions, and restarted each time. After the final catch-up the replica restores to exactly
 * the source, and the restarts cost no new generation.
 */
class CrashIT {
  @TempDir Path tmp;

  @Test
  void twentySigkillsDuringTheLoadLoseNothingAndStartNoGeneration() throws Exception {
    Path db = tmp.resolve("app.db");
    SplittableRandom random = new SplittableRandom(2026);
    TreeSet<Integer> kills = new TreeSet<>();
    while (kills.size() < 20) {
      kills.add(50 + random.nextInt(1900));
    }
    try (TestServer server = TestServer.start(tmp);
        Connection c = Sqlite.openWal(db, 1000)) {
      Workload load = new Workload(c, 77);
      Path cfg =
          Files.writeString(
              tmp.resolve("replicator.yml"),
              "dbs:\n  - path: " + db + "\n    replicas:\n" + server.walshipReplicaYaml("app"));
      Path log = tmp.resolve("agent.log");
      int[] starts = {1};
      AgentProcess[] agent = {
        AgentProcess.start(log, Map.of(), "replicate", "-config", cfg.toString())
      };
      try {
        awaitReady(agent[0], 1);
        load.run(
            2000,
            1000,
            done -> {
              Thread.sleep(
                  5); // ~200 transactions/s: each agent lives long enough to ship something
              if (kills.contains(done)) {
                agent[0].kill();
                agent[0] =
                    AgentProcess.start(log, Map.of(), "replicate", "-config", cfg.toString());
                awaitReady(agent[0], ++starts[0]);
              }
            });
        agent[0].term();
        assertEquals(0, agent[0].waitFor(Duration.ofSeconds(60)), agent[0].log());
      } finally {
        agent[0].close();
      }
      assertEquals(21, starts[0]);
      String agentLog = Files.readString(log);
      AgentProcess.report(agentLog); // what the restarts did
      assertTrue(
          agentLog.lines().filter(l -> l.contains("resumes at")).count() >= 15,
          "most restarts resume from the replica without a new snapshot");
      String source = Sqlite.dump(db);
      try (SftpReplicaStore store = server.store("app")) {
        assertEquals(
            1,
            store.generations().size(),
            "generations "
                + store.generations()
                + " — restarts must not start one\n"
                + Files.readString(log));
        Path out = tmp.resolve("restored.db");
        new Restorer(
                store,
                new RestoreSettings(
                    4,
                    WalApplier.Mode.PAGES,
                    new PrintStream(new ByteArrayOutputStream()),
                    Duration.ofMinutes(1),
                    Ticker.SYSTEM))
            .restore(RestorePlanner.plan(ReplicaCatalog.load(store), RestoreTarget.LATEST), out);
        assertEquals("ok\n", Sqlite.cli(out, "PRAGMA integrity_check"));
        assertEquals(source, Sqlite.dump(out));
      }
    }
  }

  /**
   * Waits until run {@code n}'s shipper has read where the replica ends (it logs it once capture
   * holds the database), so the application's writes resume only once capture is back.
   */
  private static void awaitReady(AgentProcess agent, int n) {
    Await.until(
        Duration.ofSeconds(60),
        "agent start " + n + " ready\n" + agent.log(),
        () -> {
          String text = agent.log();
          long ready =
              text.lines()
                  .filter(l -> l.contains("resumes at") || l.contains("a snapshot comes first"))
                  .count();
          assertTrue(agent.isAlive(), "the agent died:\n" + text);
          return ready >= n;
        });
  }
}
