package dev.walship.agent.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.Await;
import dev.walship.testing.Litestream;
import dev.walship.testing.Sqlite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code replicator replicate} in a child JVM: SIGTERM ships what was captured and exits
 * 0; {@code -exec} forwards SIGTERM/SIGINT to the application and exits with its status, also when
 * the application exits by itself (after a final sync).
 */
class ReplicateProcessIT {
  @TempDir Path tmp;

  private Path db;
  private Path replica;
  private int metricsPort;

  private Path config() throws Exception {
    db = tmp.resolve("app.db");
    replica = tmp.resolve("replica");
    try (Connection c = Sqlite.openWal(db, 1000)) {
      Sqlite.exec(c, "create table t(id integer primary key, v text)");
    }
    try (java.net.ServerSocket free =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      metricsPort = free.getLocalPort();
    }
    return Files.writeString(
        tmp.resolve("replicator.yml"),
        "addr: 127.0.0.1:"
            + metricsPort
            + "\n"
            + """
        dbs:
          - path: %s
            replicas:
              - name: local
                path: %s
        """
                .formatted(db, replica));
  }

  private void awaitStarted(AgentProcess agent) {
    Await.until(
        Duration.ofSeconds(60),
        "the agent's shipper running (log: " + agent.logPath() + ")",
        () -> agent.log().contains(" written (") || agent.log().contains("resumes at"));
  }

  private String restored(String name) {
    Path out = tmp.resolve(name + ".db");
    Litestream.run("restore", "-o", out.toString(), "file://" + replica).orThrow();
    assertEquals("ok\n", Sqlite.cli(out, "PRAGMA integrity_check"));
    return Sqlite.dump(out);
  }

  @Test
  void sigtermShipsWhatWasCapturedThenExitsZero() throws Exception {
    Path cfg = config();
    try (AgentProcess agent =
        AgentProcess.start(
            tmp.resolve("agent.log"), Map.of(), "replicate", "-config", cfg.toString())) {
      awaitStarted(agent);
      try (Connection c = Sqlite.openWal(db, 1000)) {
        for (int i = 0; i < 300; i++) {
          Sqlite.exec(c, "insert into t(v) values(hex(randomblob(" + (10 + i * 13) + ")))");
        }
      }
      String metrics = ReplicatorTest.scrape(metricsPort);
      assertTrue(
          metrics.contains("walship_replica_segments_total{db=\"" + db + "\",replica=\"local\"}"),
          metrics);
      agent.term(); // at once: the last commits are captured and shipped on the way out
      assertEquals(0, agent.waitFor(Duration.ofSeconds(60)), agent.log());
      assertTrue(agent.log().contains("SIGTERM received"), agent.log());
      assertTrue(
          agent.log().contains(" written (generation "),
          "one line for the generation's snapshot\n" + agent.log());
      assertTrue(agent.log().lines().count() < 20, "no line per segment at INFO\n" + agent.log());
    }
    assertEquals(Sqlite.dump(db), restored("after-term"));
  }

  @Test
  void loggingTypeJsonWritesOneJsonObjectPerLine() throws Exception {
    Path cfg = config();
    Files.writeString(cfg, "logging:\n  type: json\n" + Files.readString(cfg));
    try (AgentProcess agent =
        AgentProcess.start(
            tmp.resolve("json.log"), Map.of(), "replicate", "-config", cfg.toString())) {
      awaitStarted(agent);
      agent.term();
      assertEquals(0, agent.waitFor(Duration.ofSeconds(60)), agent.log());
      List<String> lines = agent.log().lines().toList();
      assertTrue(lines.size() >= 3, agent.log());
      for (String line : lines) {
        assertTrue(
            line.matches(
                "\\{\"time\":\"\\d{4}-[^\"]+\",\"level\":\"(INFO|WARN)\",\"logger\":\"\\w+\","
                    + "\"msg\":\".*\"}"),
            "not a JSON log record: " + line);
      }
      assertTrue(agent.log().contains("\"msg\":\"SIGTERM received; shutting down\"}"), agent.log());
    }
  }

  @Test
  void aDatabaseAndReplicaUrlsOnTheCommandLine() throws Exception {
    config();
    try (AgentProcess agent =
        AgentProcess.start(
            tmp.resolve("url.log"),
            Map.of(),
            "replicate",
            db.toString(),
            "file://" + replica,
            "file://" + tmp.resolve("second"))) {
      awaitStarted(agent);
      try (Connection c = Sqlite.openWal(db, 1000)) {
        Sqlite.exec(c, "insert into t(v) values('from the command line')");
      }
      agent.term();
      assertEquals(0, agent.waitFor(Duration.ofSeconds(60)), agent.log());
      assertTrue(agent.log().contains("replica \"file-2\""), agent.log());
    }
    assertEquals(Sqlite.dump(db), restored("url-form"));
  }

  @Test
  void execForwardsSigtermAndSigintAndExitsWithTheApplicationsStatus() throws Exception {
    Path cfg = config();
    for (String sig : new String[] {"TERM", "INT"}) {
      Path ready = tmp.resolve("ready-" + sig);
      String app =
          "sh -c 'trap \"exit 7\" " + sig + "; touch " + ready + "; while :; do sleep 0.05; done'";
      try (AgentProcess agent =
          AgentProcess.start(
              tmp.resolve("exec-" + sig + ".log"),
              Map.of(),
              "replicate",
              "-config",
              cfg.toString(),
              "-exec",
              app)) {
        Await.until(
            Duration.ofSeconds(60),
            "the application started\n" + agent.log(),
            () -> Files.exists(ready));
        awaitStarted(agent);
        agent.signal(sig);
        assertEquals(
            7,
            agent.waitFor(Duration.ofSeconds(60)),
            "the application's trap status\n" + agent.log());
        assertTrue(agent.log().contains("forwarding SIG" + sig), agent.log());
      }
    }
  }

  @Test
  void whenTheApplicationExitsTheAgentSyncsAndExitsWithItsStatus() throws Exception {
    Path cfg = config();
    String app =
        "sh -c 'sleep 1; sqlite3 "
            + db
            + " \"insert into t(v) values(\\\"written by the app\\\")\"; exit 5'";
    try (AgentProcess agent =
        AgentProcess.start(
            tmp.resolve("exit.log"),
            Map.of(),
            "replicate",
            "-config",
            cfg.toString(),
            "-exec",
            app)) {
      assertEquals(5, agent.waitFor(Duration.ofSeconds(60)), agent.log());
      assertTrue(agent.log().contains("exited with status 5"), agent.log());
    }
    String dump = restored("after-exit");
    assertTrue(dump.contains("written by the app"), dump);
    assertEquals(Sqlite.dump(db), dump);
  }
}
