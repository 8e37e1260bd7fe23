package dev.walship.agent.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.restore.RestorePlanner;
import dev.walship.agent.restore.RestoreSettings;
import dev.walship.agent.restore.RestoreTarget;
import dev.walship.agent.restore.Restorer;
import dev.walship.agent.restore.WalApplier;
import dev.walship.format.catalog.ReplicaCatalog;
import dev.walship.format.store.FileReplicaStore;
import dev.walship.testing.Await;
import dev.walship.testing.Litestream;
import dev.walship.testing.Sqlite;
import dev.walship.toolkit.time.Ticker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent restarted under a writer that never stops, as a user would see it: a writer with
 * SQLite's default autocheckpoint commits a row of 10 B to 6 KB every ~3 ms, while the real {@code
 * replicate} command (a child JVM, file replica) is killed with SIGKILL 20 times and stopped with
 * SIGTERM 20 times, each time restarted at once. While it is down the application checkpoints and
 * restarts the WAL; each start catches the history up instead of starting a generation. At the end
 * the replica holds one generation, restores (ours and Litestream v0.3.13's) to exactly the source,
 * and a {@code -timestamp} restore to a moment between two restarts gives the state of that moment.
 */
class RestartUnderLoadIT {
  private static final int KILLS = 20;
  private static final int TERMS = 20;

  @TempDir Path tmp;

  @Test
  void fortyRestartsDuringAWriterLoadLeaveOneGeneration() throws Exception {
    Path db = tmp.resolve("app.db");
    Path replica = tmp.resolve("replica");
    Path cfg =
        Files.writeString(
            tmp.resolve("replicator.yml"),
            "dbs:\n  - path: " + db + "\n    replicas:\n      - path: " + replica + "\n");
    Path log = tmp.resolve("agent.log");
    LoadWriter writer = new LoadWriter(db);
    SplittableRandom random = new SplittableRandom(10);
    String atPause = null;
    Instant pausedAt = null;
    int kills = 0;
    int terms = 0;
    try {
      writer.start();
      for (int round = 1; round <= KILLS + TERMS; round++) {
        try (AgentProcess agent =
            AgentProcess.start(log, Map.of(), "replicate", "-config", cfg.toString())) {
          awaitReady(agent, round);
          Thread.sleep(200 + random.nextInt(500));
          boolean kill = round % 2 == 1;
          // a clean stop between two kills: it ships everything before it exits
          boolean pause = round == KILLS;
          if (pause) {
            writer.pause();
          }
          if (kill) {
            agent.kill();
            kills++;
          } else {
            agent.term();
            assertEquals(0, agent.waitFor(Duration.ofSeconds(60)), agent.log());
            terms++;
          }
          if (pause) {
            atPause = Sqlite.dump(db);
            pausedAt = Instant.now();
            Thread.sleep(20);
            writer.resume();
          }
        }
      }
      writer.stopAndCheck();
      try (AgentProcess agent =
          AgentProcess.start(log, Map.of(), "replicate", "-config", cfg.toString())) {
        awaitReady(agent, KILLS + TERMS + 1);
        agent.term();
        assertEquals(0, agent.waitFor(Duration.ofSeconds(60)), agent.log());
      }
    } finally {
      writer.stopQuietly();
    }
    String agentLog = Files.readString(log);
    long caughtUp = agentLog.lines().filter(l -> l.contains("caught up")).count();
    long started =
        agentLog.lines().filter(l -> l.contains("generation") && l.contains("started")).count();
    System.out.printf(
        "restart under load: %d commits, %d SIGKILL, %d SIGTERM, %d catch-ups,"
            + " %d generation(s) started%n",
        writer.commits.get(), kills, terms, caughtUp, started);
    AgentProcess.report(agentLog);

    FileReplicaStore store = new FileReplicaStore(replica);
    assertEquals(
        1,
        store.generations().size(),
        "generations " + store.generations() + ": restarts must not start one\n" + agentLog);
    assertTrue(
        caughtUp >= 1,
        "the application restarted the WAL while the agent was down at least"
            + " once, and a catch-up carried the generation on\n"
            + agentLog);
    String source = Sqlite.dump(db);
    assertEquals(source, Sqlite.dump(restore(store, RestoreTarget.LATEST, "latest.db")));
    assertEquals(
        atPause,
        Sqlite.dump(restore(store, new RestoreTarget(null, null, pausedAt), "at-pause.db")),
        "the state at " + pausedAt);
    Path out = tmp.resolve("litestream.db");
    Litestream.run("restore", "-o", out.toString(), "file://" + replica).orThrow();
    assertEquals("ok\n", Sqlite.cli(out, "PRAGMA integrity_check"));
    assertEquals(source, Sqlite.dump(out));
  }

  private Path restore(FileReplicaStore store, RestoreTarget target, String name) throws Exception {
    Path out = tmp.resolve(name);
    new Restorer(
            store,
            new RestoreSettings(
                4,
                WalApplier.Mode.PAGES,
                new PrintStream(new ByteArrayOutputStream()),
                Duration.ofMinutes(1),
                Ticker.SYSTEM))
        .restore(RestorePlanner.plan(ReplicaCatalog.load(store), target), out);
    assertEquals("ok\n", Sqlite.cli(out, "PRAGMA integrity_check"));
    return out;
  }

  /** Waits until start {@code n}'s shipper knows where the replica ends (capture runs). */
  private static void awaitReady(AgentProcess agent, int n) {
    Await.until(
        Duration.ofSeconds(60),
        "agent start " + n + " ready\n" + agent.log(),
        () -> {
          assertTrue(agent.isAlive(), "the agent died:\n" + agent.log());
          return agent
                  .log()
                  .lines()
                  .filter(l -> l.contains("resumes at") || l.contains("snapshot comes first"))
                  .count()
              >= n;
        });
  }
}
