package dev.walship.agent.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.restore.ReplicaCatalog;
import dev.walship.agent.restore.RestorePlanner;
import dev.walship.agent.restore.RestoreSettings;
import dev.walship.agent.restore.RestoreTarget;
import dev.walship.agent.restore.Restorer;
import dev.walship.agent.restore.WalApplier;
import dev.walship.format.store.FileReplicaStore;
import dev.walship.testing.Await;
import dev.walship.testing.Litestream;
import dev.walship.testing.Sqlite;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
    Path cfg = Files.writeString(tmp.resolve("replicator.yml"),
        "dbs:\n  - path: " + db + "\n    replicas:\n      - path: " + replica + "\n");
    Path log = tmp.resolve("agent.log");
    Writer writer = new Writer(db);
    SplittableRandom random = new SplittableRandom(10);
    String atPause = null;
    Instant pausedAt = null;
    int kills = 0;
    int terms = 0;
    try {
      writer.start();
      for (int round = 1; round <= KILLS + TERMS; round++) {
        try (AgentProcess agent = AgentProcess.start(log, Map.of(), "replicate", "-config",
            cfg.toString())) {
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
      try (AgentProcess agent = AgentProcess.start(log, Map.of(), "replicate", "-config",
          cfg.toString())) {
        awaitReady(agent, KILLS + TERMS + 1);
        agent.term();
        assertEquals(0, agent.waitFor(Duration.ofSeconds(60)), agent.log());
      }
    } finally {
      writer.stopQuietly();
    }
    String agentLog = Files.readString(log);
    long caughtUp = agentLog.lines().filter(l -> l.contains("caught up")).count();
    long started = agentLog.lines().filter(l -> l.contains("generation") && l.contains("started"))
        .count();
    System.out.printf("restart under load: %d commits, %d SIGKILL, %d SIGTERM, %d catch-ups,"
        + " %d generation(s) started%n", writer.commits.get(), kills, terms, caughtUp, started);
    agentLog.lines().filter(l -> l.contains("Engine")).forEach(System.out::println);

    FileReplicaStore store = new FileReplicaStore(replica);
    assertEquals(1, store.generations().size(), "generations " + store.generations()
        + ": restarts must not start one\n" + agentLog);
    assertTrue(caughtUp >= 1, "the application restarted the WAL while the agent was down at least"
        + " once, and a catch-up carried the generation on\n" + agentLog);
    String source = Sqlite.dump(db);
    assertEquals(source, Sqlite.dump(restore(store, RestoreTarget.LATEST, "latest.db")));
    assertEquals(atPause, Sqlite.dump(restore(store, new RestoreTarget(null, null, pausedAt),
        "at-pause.db")), "the state at " + pausedAt);
    Path out = tmp.resolve("litestream.db");
    Litestream.run("restore", "-o", out.toString(), "file://" + replica).orThrow();
    assertEquals("ok\n", Sqlite.cli(out, "PRAGMA integrity_check"));
    assertEquals(source, Sqlite.dump(out));
  }

  private Path restore(FileReplicaStore store, RestoreTarget target, String name)
      throws Exception {
    Path out = tmp.resolve(name);
    new Restorer(store, new RestoreSettings(4, WalApplier.Mode.PAGES,
        new PrintStream(new ByteArrayOutputStream()), Duration.ofMinutes(1)))
        .restore(RestorePlanner.plan(ReplicaCatalog.load(store), target), out);
    assertEquals("ok\n", Sqlite.cli(out, "PRAGMA integrity_check"));
    return out;
  }

  /** Waits until start {@code n}'s shipper knows where the replica ends (capture runs). */
  private static void awaitReady(AgentProcess agent, int n) {
    Await.until(Duration.ofSeconds(60), "agent start " + n + " ready\n" + agent.log(), () -> {
      assertTrue(agent.isAlive(), "the agent died:\n" + agent.log());
      return agent.log().lines()
          .filter(l -> l.contains("resumes at") || l.contains("snapshot comes first")).count() >= n;
    });
  }

  /**
   * The application: one connection, SQLite's default autocheckpoint, a transaction every ~3 ms
   * inserting a row of 10 B to 6 KB (and now and then updating or deleting one).
   */
  private static final class Writer {
    final Path db;
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicBoolean paused = new AtomicBoolean();
    final AtomicBoolean idle = new AtomicBoolean();
    final AtomicInteger commits = new AtomicInteger();
    final AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread thread;

    Writer(Path db) {
      this.db = db;
    }

    void start() {
      thread = new Thread(this::run, "writer");
      thread.start();
    }

    private void run() {
      SplittableRandom r = new SplittableRandom(7);
      try (Connection c = Sqlite.openWal(db, 1000)) {
        Sqlite.exec(c, "create table if not exists items(id integer primary key, v blob)");
        while (!stop.get()) {
          if (paused.get()) {
            idle.set(true);
            Thread.sleep(1);
            continue;
          }
          idle.set(false);
          transaction(c, r);
          commits.incrementAndGet();
          Thread.sleep(3);
        }
      } catch (Throwable t) {
        failed.set(t);
      }
    }

    private static void transaction(Connection c, SplittableRandom r) throws Exception {
      int kind = r.nextInt(100);
      String sql = kind < 85 ? "insert into items(v) values(?)"
          : kind < 95 ? "update items set v = ? where id = (select max(id) - ? from items)"
          : "delete from items where id = (select max(id) - ? from items)";
      try (PreparedStatement p = c.prepareStatement(sql)) {
        if (kind < 95) {
          byte[] b = new byte[10 + r.nextInt(6 * 1024 - 10)];
          for (int i = 0; i < b.length; i += 1 + r.nextInt(7)) {
            b[i] = (byte) r.nextInt(256);
          }
          p.setBytes(1, b);
        }
        if (kind >= 85) {
          p.setInt(kind < 95 ? 2 : 1, r.nextInt(50));
        }
        p.executeUpdate();
      }
    }

    void pause() {
      paused.set(true);
      Await.until(Duration.ofSeconds(10), "the writer to pause", idle::get);
    }

    void resume() {
      paused.set(false);
    }

    void stopAndCheck() throws Exception {
      stop.set(true);
      thread.join(30_000);
      if (failed.get() != null) {
        throw new AssertionError("the writer failed", failed.get());
      }
    }

    void stopQuietly() throws InterruptedException {
      stop.set(true);
      if (thread != null) {
        thread.join(30_000);
      }
    }
  }
}
