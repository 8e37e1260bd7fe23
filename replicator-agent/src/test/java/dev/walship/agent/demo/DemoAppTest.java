package dev.walship.agent.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.Main;
import dev.walship.agent.cli.CliContext;
import dev.walship.agent.config.AgentConfig;
import dev.walship.agent.config.ConfigLoader;
import dev.walship.agent.config.PathExpander;
import dev.walship.agent.replicate.Replicator;
import dev.walship.server.ReplicaServer;
import dev.walship.server.config.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's steps ({@code scripts/demo}) with both sides in one JVM: replica-server with a host
 * key and the agent's generated key; fruits.db as the seed made it, replicated pinned to the host
 * key; more rows; the replica tree listed; {@code status} healthy, then a replica that is down
 * reported as behind with exit 1, then caught up again; total loss; restore; every row and {@code
 * integrity_check} = ok.
 */
class DemoAppTest {
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

  private static String app(Path db, String... sql) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DemoApp.run(db.toString(), sql, new PrintStream(out, true));
    return out.toString();
  }

  private static ReplicaServer alpha(Path alpha, int port) throws Exception {
    return ReplicaServer.start(
        ServerConfig.builder()
            .listen("127.0.0.1", port)
            .hostKey(alpha.resolve("etc/ssh_host_ed25519_key"))
            .user(
                "replicator",
                alpha.resolve("replicator"),
                alpha.resolve("etc/authorized_keys_replicator"),
                List.of("db"))
            .build());
  }

  @Test
  void theSeedsEveningRoundTrip() throws Exception {
    Path alpha = Files.createDirectories(tmp.resolve("alpha"));
    Path bravo = Files.createDirectories(tmp.resolve("bravo"));
    Files.createDirectories(alpha.resolve("replicator/db"));
    Files.createDirectories(alpha.resolve("etc"));
    Run key =
        replicator(
            "keygen", "-f", bravo.resolve("id_ed25519").toString(), "-C", "replicator@bravo");
    assertEquals(0, key.exit(), key.err());
    Path authorized = alpha.resolve("etc/authorized_keys_replicator");
    Files.writeString(authorized, key.out());
    Files.setPosixFilePermissions(
        authorized, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

    ReplicaServer server = alpha(alpha, 0);
    int port = server.port();
    try {
      Path db = bravo.resolve("fruits.db");
      app(
          db,
          "create table fruits(name, color)",
          "insert into fruits values('appple', 'red')",
          "insert into fruits values('banana', 'yellow')");
      Path config = bravo.resolve("replicator.yml");
      Files.writeString(
          config,
          """
          dbs:
            - path: %s
              replicas:
                - name: alpha
                  url: sftp://replicator@127.0.0.1:%d/db/fruits
                  key-path: %s
                  host-key: %s
          """
              .formatted(db, port, bravo.resolve("id_ed25519"), server.hostKeyFingerprint()));
      AgentConfig cfg =
          new ConfigLoader(Map.of(), new PathExpander(tmp, tmp))
              .parse(Files.readString(config), config.toString(), true);
      try (Replicator r = Replicator.builder().database(cfg.dbs().get(0)).start()) {
        app(
            db,
            "insert into fruits values('cherry', 'dark red')",
            "insert into fruits values('kiwi', 'green')");
        assertTrue(r.sync(Duration.ofSeconds(30)), "the rows reached ALPHA");

        Run gens = replicator("generations", "-config", config.toString(), db.toString());
        assertEquals(0, gens.exit(), gens.err());
        assertEquals(2, gens.out().lines().count(), "one generation:\n" + gens.out());
        Run wal = replicator("wal", "-config", config.toString(), db.toString());
        assertTrue(wal.out().lines().count() >= 2, wal.out());

        Run ok = replicator("status", "-config", config.toString());
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        assertTrue(ok.out().contains(" ok "), ok.out());

        server.shutdown(Duration.ofSeconds(2)); // ALPHA goes down
        app(db, "insert into fruits values('lemon', 'yellow')");
        Run down = replicator("status", "-config", config.toString(), "-json");
        assertEquals(1, down.exit(), down.out());
        assertTrue(
            down.out().contains("\"state\":\"behind\"") && down.out().contains("unreachable"),
            down.out());

        server = alpha(alpha, port); // back, same host key: the agent catches up
        assertTrue(r.sync(Duration.ofSeconds(60)), "caught up after ALPHA came back");
        Run back = replicator("status", "-config", config.toString());
        assertEquals(0, back.exit(), back.out() + back.err());
      }

      // total database loss
      Files.delete(db);
      Files.deleteIfExists(Path.of(db + "-wal"));
      Files.deleteIfExists(Path.of(db + "-shm"));
      try (Stream<Path> s = Files.walk(bravo.resolve(".fruits.db-replicator"))) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      assertFalse(Files.exists(db));
      Run restore = replicator("restore", "-config", config.toString(), db.toString());
      assertEquals(0, restore.exit(), restore.err());
      assertEquals(
          "appple|red\nbanana|yellow\ncherry|dark red\nkiwi|green\nlemon|yellow\n",
          app(db, "select * from fruits"));
      assertEquals("ok\n", app(db, "PRAGMA integrity_check"));
    } finally {
      server.close();
    }
  }
}
