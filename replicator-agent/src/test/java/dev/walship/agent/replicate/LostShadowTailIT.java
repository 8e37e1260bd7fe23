package dev.walship.agent.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.capture.CrashCut;
import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import dev.walship.format.store.FileReplicaStore;
import dev.walship.format.store.WalSegmentInfo;
import dev.walship.format.validate.ContentCheck;
import dev.walship.format.validate.ReplicaCheck;
import dev.walship.format.validate.SegmentContext;
import dev.walship.testing.Await;
import dev.walship.testing.Litestream;
import dev.walship.testing.Sqlite;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capture publishes shadow bytes before they are synced (they are synced before the WAL can
 * restart, before the page image names a position, and within a second). An operating-system crash
 * can therefore cut the current shadow index back to any commit frame at or after the image's
 * position, after the replica already received that tail. Simulated here: the agent (a child JVM)
 * is killed with SIGKILL once the replica holds everything, the shadow is cut, and — where SQLite
 * also lost the WAL's unsynced tail — the database's WAL is cut too and the application writes
 * other commits where the lost ones were. After a restart and more commits, the replica restores to
 * exactly the source; no restorable point keeps a lost commit.
 */
class LostShadowTailIT {
  @TempDir Path tmp;

  /** The WAL still holds the lost tail: capture copies it again and the generation continues. */
  @Test
  void aShadowTailLostWhileTheWalKeptItIsCopiedAgainInTheSameGeneration() throws Exception {
    Scenario s = new Scenario(tmp);
    s.writeShipAndKill(300);
    Path shadow = CrashCut.currentShadow(s.db);
    long floor = CrashCut.durableFloor(s.db);
    long cut = CrashCut.commitAtOrBelow(shadow, floor, floor + (Files.size(shadow) - floor) / 3);
    assertTrue(cut < Files.size(shadow), "the cut must lose a tail the replica holds");
    CrashCut.cut(shadow, cut);
    s.restartWriteAndStop(200, 12);
    s.assertReplicaRestoresToTheSource();
    assertEquals(1, s.store().generations().size(), "no new generation:\n" + s.log());
  }

  /**
   * SQLite lost the WAL's unsynced tail as well, and the application committed other rows there:
   * the replica's segments holding the lost commits are replaced, in the same generation.
   */
  @Test
  void commitsTheDatabaseLostAreRemovedFromTheReplica() throws Exception {
    Scenario s = new Scenario(tmp);
    s.writeShipAndKill(300);
    Path shadow = CrashCut.currentShadow(s.db);
    long floor = CrashCut.durableFloor(s.db);
    long walCut =
        CrashCut.commitAtOrBelow(shadow, floor, floor + (Files.size(shadow) - floor) * 2 / 3);
    long shadowCut = CrashCut.commitAtOrBelow(shadow, floor, floor + (walCut - floor) / 2);
    s.crashTheDatabase(walCut);
    CrashCut.cut(shadow, shadowCut);
    s.restartWriteAndStop(200, 13);
    s.assertReplicaRestoresToTheSource();
    assertEquals(1, s.store().generations().size(), s.log());
    assertTrue(s.log().contains("does not continue the local shadow WAL"), s.log());
  }

  /** The shadow kept more than the WAL: capture cannot continue the history and starts anew. */
  @Test
  void aShadowLongerThanTheRecoveredWalStartsANewGeneration() throws Exception {
    Scenario s = new Scenario(tmp);
    s.writeShipAndKill(300);
    Path shadow = CrashCut.currentShadow(s.db);
    long floor = CrashCut.durableFloor(s.db);
    long walCut = CrashCut.commitAtOrBelow(shadow, floor, floor + (Files.size(shadow) - floor) / 3);
    long shadowCut = CrashCut.commitAtOrBelow(shadow, walCut + 1, Files.size(shadow) - 1);
    s.crashTheDatabase(walCut);
    CrashCut.cut(shadow, shadowCut);
    s.restartWriteAndStop(200, 14);
    s.assertReplicaRestoresToTheSource();
    assertEquals(2, s.store().generations().size(), s.log());
  }

  /** One database, its agent in a child JVM, a file replica. */
  private static final class Scenario {
    final Path dir;
    final Path db;
    final Path replica;
    final Path cfg;
    final Path log;
    Connection app;

    Scenario(Path dir) throws Exception {
      this.dir = dir;
      this.db = dir.resolve("app.db");
      this.replica = dir.resolve("replica");
      this.log = dir.resolve("agent.log");
      // no WAL restart during the test (the whole run stays in one index) and no checkpoint by
      // the application: the database file holds nothing of the current WAL cycle, so any commit
      // frame of it is a state an operating-system crash could leave
      this.cfg =
          Files.writeString(
              dir.resolve("replicator.yml"),
              "dbs:\n  - path: "
                  + db
                  + "\n    min-checkpoint-page-count: 100000\n    max-checkpoint-page-count: 100000"
                  + "\n    checkpoint-interval: 1h\n    replicas:\n      - path: "
                  + replica
                  + "\n");
      this.app = Sqlite.openWal(db, 0);
    }

    FileReplicaStore store() {
      return new FileReplicaStore(replica);
    }

    String log() throws Exception {
      return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Starts the agent, runs {@code n} transactions, waits for the replica, kills the agent. */
    void writeShipAndKill(int n) throws Exception {
      try (AgentProcess agent = start()) {
        awaitReady(agent, 1);
        new Workload(app, 5).run(n, -1, done -> {});
        try {
          Await.until(
              Duration.ofSeconds(30),
              "the replica to hold the WAL", // capture's own frame too
              () -> replicaEnd().offset() == walEnd());
        } catch (AssertionError e) {
          throw new AssertionError(
              e.getMessage()
                  + ": it holds up to "
                  + replicaEnd()
                  + ", the WAL "
                  + walEnd()
                  + "\n"
                  + agent.log(),
              e);
        }
        agent.kill();
      }
    }

    /** The database's files as an OS crash leaves them: the WAL cut to {@code walCut}. */
    void crashTheDatabase(long walCut) throws Exception {
      Path wal = db.resolveSibling("app.db-wal");
      Path dbCopy = dir.resolve("crash.db");
      Path walCopy = dir.resolve("crash.db-wal");
      Files.copy(db, dbCopy);
      Files.copy(wal, walCopy);
      CrashCut.cut(walCopy, walCut);
      app.close(); // checkpoints and deletes the WAL: replaced below by the crash copies
      Files.deleteIfExists(db.resolveSibling("app.db-shm"));
      Files.move(dbCopy, db, StandardCopyOption.REPLACE_EXISTING);
      Files.move(walCopy, wal, StandardCopyOption.REPLACE_EXISTING);
      app = Sqlite.openWal(db, 0);
    }

    /** Restarts the agent, runs {@code n} more transactions, stops it cleanly. */
    void restartWriteAndStop(int n, long seed) throws Exception {
      try (AgentProcess agent = start()) {
        awaitReady(agent, 2);
        new Workload(app, seed).run(n, -1, done -> {});
        agent.term();
        assertEquals(0, agent.waitFor(Duration.ofSeconds(60)), agent.log());
      }
      app.close();
    }

    void assertReplicaRestoresToTheSource() throws Exception {
      AgentProcess.report(log()); // what the restart did
      ReplicaCheck.Report check = ReplicaCheck.check(store());
      assertTrue(check.ok(), check.problems() + "\n" + log());
      Path out = dir.resolve("restored.db");
      Litestream.run("restore", "-o", out.toString(), "file://" + replica).orThrow();
      assertEquals("ok\n", Sqlite.cli(out, "PRAGMA integrity_check"));
      assertEquals(Sqlite.dump(db), Sqlite.dump(out), log());
    }

    /** Waits until start {@code n}'s shipper knows where the replica ends (capture runs). */
    private static void awaitReady(AgentProcess agent, int n) {
      Await.until(
          Duration.ofSeconds(60),
          "agent start " + n + " to be ready",
          () -> {
            assertTrue(agent.isAlive(), agent.log());
            return agent
                    .log()
                    .lines()
                    .filter(l -> l.contains("resumes at") || l.contains("snapshot comes first"))
                    .count()
                >= n;
          });
    }

    private AgentProcess start() {
      return AgentProcess.start(log, Map.of(), "replicate", "-config", cfg.toString());
    }

    private long walEnd() throws Exception {
      List<Long> commits = CrashCut.commitEnds(db.resolveSibling("app.db-wal"));
      return commits.isEmpty() ? 0 : commits.get(commits.size() - 1);
    }

    /** Where the replica's newest generation ends (offset 0 when it holds no segment). */
    private Position replicaEnd() throws Exception {
      FileReplicaStore store = store();
      List<Generation> gens = store.generations();
      if (gens.isEmpty()) {
        return new Position(Generation.parse("0000000000000000"), 0, 0);
      }
      Generation g = gens.get(gens.size() - 1);
      List<WalSegmentInfo> segments = store.walSegments(g);
      if (segments.isEmpty()) {
        return new Position(g, 0, 0);
      }
      WalSegmentInfo last = segments.get(segments.size() - 1);
      try (InputStream in = store.open(last.name().path())) {
        long end = ContentCheck.segment(last.name(), in, SegmentContext.UNKNOWN).endOffset();
        return new Position(g, last.name().index(), end);
      }
    }
  }
}
