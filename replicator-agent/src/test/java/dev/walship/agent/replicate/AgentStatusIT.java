package dev.walship.agent.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.Main;
import dev.walship.agent.cli.CliContext;
import dev.walship.agent.config.ConfigLoader;
import dev.walship.agent.config.DbConfig;
import dev.walship.agent.config.PathExpander;
import dev.walship.agent.ship.Shipper;
import dev.walship.testing.Await;
import dev.walship.testing.Sqlite;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replicator status} beside a running agent whose every upload the server denies (the
 * replica's path is outside the user's writable directory): status shows the agent's last error,
 * since when and how many attempts, in the table and in JSON, and exits 1; once the agent stops,
 * its report is gone.
 */
class AgentStatusIT {
  @TempDir Path tmp;

  @Test
  void statusShowsTheRunningAgentsLastErrorSinceWhenAndAttempts() throws Exception {
    Path db = tmp.resolve("app.db");
    try (TestServer server = TestServer.start(tmp);
        Connection c = Sqlite.openWal(db, 1000)) {
      Path yml =
          Files.writeString(
              tmp.resolve("replicator.yml"),
              """
          dbs:
            - path: %s
              replicas:
                - name: alpha
                  url: sftp://%s@127.0.0.1:%d/outside/app
                  key-path: %s
                  host-key: %s
          """
                  .formatted(
                      db,
                      TestServer.USER,
                      server.port(),
                      server.key.privateKey(),
                      server.server.hostKeyFingerprint()));
      DbConfig cfg =
          new ConfigLoader(Map.of(), PathExpander.ofSystem())
              .parse(Files.readString(yml), yml.toString(), false)
              .dbs()
              .get(0);
      Sqlite.exec(c, "CREATE TABLE t(x)", "INSERT INTO t VALUES (1)");
      try (Replicator r =
          Replicator.builder()
              .database(cfg)
              .random(new SplittableRandom(2))
              .shutdownTimeout(Duration.ofSeconds(1))
              .start()) {
        Shipper s = r.databases().get(0).shippers().get(0);
        Await.until(Duration.ofSeconds(30), "uploads fail", () -> s.stats().failedAttempts() >= 2);
        // the agent publishes its state once a second (StatePublisher.EVERY)
        Await.until(
            Duration.ofSeconds(30),
            "status shows the running agent's error",
            () -> status(yml, 1).contains("permission denied"));
        String table = status(yml, 1);
        assertTrue(
            table.matches("(?s).*\\d+ attempts? failed since \\d{4}-\\d\\d-\\d\\dT.*"), table);
        String json = status(yml, 1, "-json");
        assertTrue(
            json.contains("\"last_error\":\"") && json.contains("(the running agent, pid "), json);
      }
      String after = status(yml, 1);
      assertFalse(
          after.contains("the running agent"), "a stopped agent's report is gone: " + after);
    }
  }

  private static String status(Path yml, int expectedExit, String... more) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] args = new String[2 + 1 + more.length];
    args[0] = "status";
    args[1] = "-config";
    args[2] = yml.toString();
    System.arraycopy(more, 0, args, 3, more.length);
    int exit =
        Main.run(
            args,
            new CliContext(
                Map.of(), PathExpander.ofSystem(), new PrintWriter(out), new PrintWriter(err)));
    assertEquals(expectedExit, exit, out + "\n" + err);
    return out.toString();
  }
}
