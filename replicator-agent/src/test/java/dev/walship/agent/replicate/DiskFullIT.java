package dev.walship.agent.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.Main;
import dev.walship.agent.cli.CliContext;
import dev.walship.agent.config.PathExpander;
import dev.walship.testing.Await;
import dev.walship.testing.Sqlite;
import dev.walship.testing.Tmpfs;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, finding 9, and issue 15's retry, both sides: ALPHA's disk (a real 2 MiB tmpfs under
 * replica-server in this JVM) fills up while the real {@code replicator replicate} (a child JVM)
 * ships. Its log names the server's reason, "no space left on device", with a growing backoff;
 * {@code replicator status} shows it; once there is room the agent catches up and nothing is lost.
 */
class DiskFullIT {
  @TempDir Path tmp;

  record Run(int exit, String out, String err) {}

  private Run replicator(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Main.run(
            args,
            new CliContext(
                Map.of(), new PathExpander(tmp, tmp), new PrintWriter(out), new PrintWriter(err)));
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void aFullReplicaDiskIsNamedOnTheAgentsSideAndNothingIsLost() throws Exception {
    Path db = tmp.resolve("app.db");
    try (Connection c = Sqlite.openWal(db, 1000)) {
      Sqlite.exec(c, "create table t(id integer primary key, v blob)");
    }
    Path alphaDb = Files.createDirectories(tmp.resolve("alpha/replicator/db"));
    try (Tmpfs disk = Tmpfs.mount(alphaDb, 2 << 20);
        TestServer server = TestServer.start(tmp)) {
      Path cfg =
          Files.writeString(
              tmp.resolve("replicator.yml"),
              """
          dbs:
            - path: %s
              replicas:
                - name: alpha
                  url: sftp://replicator@127.0.0.1:%d/db/app
                  key-path: %s
                  host-key: %s
          """
                  .formatted(
                      db,
                      server.port(),
                      server.key.privateKey(),
                      server.server.hostKeyFingerprint()));
      try (AgentProcess agent =
          AgentProcess.start(
              tmp.resolve("agent.log"), Map.of(), "replicate", "-config", cfg.toString())) {
        await(agent, "the first snapshot on ALPHA", () -> has(alphaDb, ".snapshot.lz4"));
        Path filler = fill(alphaDb.resolve("filler"));
        try (Connection c = Sqlite.openWal(db, 1000)) {
          Sqlite.exec(
              c,
              "insert into t(v) select randomblob(4000) from (select 1 union all select 2 union all select 3)");
        }
        await(
            agent,
            "three failed attempts in the agent's log",
            () -> attempts(agent.log()).size() >= 3);
        List<long[]> tries = attempts(agent.log());
        assertTrue(
            tries.get(0)[0] == 1 && tries.get(1)[0] == 2 && tries.get(2)[0] == 3, agent.log());
        assertTrue(tries.get(2)[1] > tries.get(0)[1], "the backoff grows: " + agent.log());

        Run full = replicator("status", "-config", cfg.toString());
        assertEquals(1, full.exit(), full.out() + full.err());
        assertTrue(
            full.out().contains("no-space") && full.out().contains("no space left on device"),
            full.out());

        Files.delete(filler);
        await(
            agent,
            "the agent caught up once ALPHA had room",
            () -> replicator("status", "-config", cfg.toString()).exit() == 0);
        agent.term();
        assertEquals(0, agent.waitFor(Duration.ofSeconds(60)), agent.log());
      }
      Path out = tmp.resolve("restored.db");
      Run restore =
          replicator("restore", "-config", cfg.toString(), "-o", out.toString(), db.toString());
      assertEquals(0, restore.exit(), restore.err());
      assertEquals(Sqlite.dump(db), Sqlite.dump(out));
    }
  }

  private static void await(
      AgentProcess agent, String what, java.util.concurrent.Callable<Boolean> condition) {
    try {
      Await.until(
          Duration.ofSeconds(60),
          what,
          () -> {
            if (!agent.isAlive()) {
              throw new IllegalStateException("the agent exited");
            }
            return condition.call();
          });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; the agent's log:\n" + agent.log(), e);
    }
  }

  /** The "no space left on device" failures in the log: each as {attempt, retry in ms}. */
  private static List<long[]> attempts(String log) {
    Matcher m =
        Pattern.compile(
                "no space left on device \\(attempt (\\d+) failed; retrying in (\\d+) ms\\)")
            .matcher(log);
    List<long[]> out = new java.util.ArrayList<>();
    while (m.find()) {
      out.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
    }
    return out;
  }

  /** Writes {@code file} until its file system is full. */
  private static Path fill(Path file) throws IOException {
    byte[] block = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
        out.flush();
      }
    } catch (IOException full) {
      return file;
    }
  }

  private static boolean has(Path tree, String suffix) throws IOException {
    try (Stream<Path> s = Files.walk(tree)) {
      return s.anyMatch(p -> p.toString().endsWith(suffix));
    }
  }
}
