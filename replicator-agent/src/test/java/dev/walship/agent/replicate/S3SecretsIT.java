package dev.walship.agent.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.AgeCli;
import dev.walship.testing.Await;
import dev.walship.testing.S3Proxy;
import dev.walship.testing.Sqlite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * S3 keys and age identities never reach the agent's output: not in {@code databases}, not in the
 * errors of {@code generations} and {@code restore}, not in {@code replicate}'s log at debug level
 * while the server refuses the keys (the real program, in its own JVM).
 */
class S3SecretsIT {
  static final S3Proxy S3 = S3Proxy.shared();
  static final String KEY_ID = "AKIASECRETSTEST99999";
  static final String SECRET = "Hidden/Secret/Access/Key/Never/Shown/0000";

  @TempDir Path tmp;

  @Test
  void keysAreNeverPrinted() throws Exception {
    AgeCli.KeyPair age = AgeCli.keygen(tmp, "age.txt");
    Path db = tmp.resolve("app.db");
    Sqlite.cli(db, "PRAGMA journal_mode=WAL; create table t(x); insert into t values(1);");
    Path cfg =
        Files.writeString(
            tmp.resolve("litestream.yml"),
            """
        logging:
          level: debug
        dbs:
          - path: %s
            replicas:
              - url: s3://%s/app
                endpoint: %s
                access-key-id: %s
                secret-access-key: %s
                age:
                  identities: [%s]
                  recipients: [%s]
        """
                .formatted(
                    db,
                    S3.newBucket("secrets"),
                    S3.endpoint(),
                    KEY_ID,
                    SECRET,
                    age.identity(),
                    age.recipient()));
    List<String> secrets = List.of(KEY_ID, SECRET, age.identity());

    String databases = run("databases", "-config", cfg.toString());
    assertTrue(databases.contains(db.toString()), databases);
    String generations = run("generations", "-config", cfg.toString(), db.toString());
    assertTrue(generations.contains("the server does not know the access key"), generations);
    String restore =
        run(
            "restore",
            "-config",
            cfg.toString(),
            "-o",
            tmp.resolve("out.db").toString(),
            db.toString());
    assertTrue(restore.contains("the server does not know the access key"), restore);
    for (String out : List.of(databases, generations, restore)) {
      for (String s : secrets) {
        assertFalse(out.contains(s), out);
      }
    }

    Path log = tmp.resolve("replicate.log");
    try (AgentProcess p =
        AgentProcess.start(log, Map.of(), "replicate", "-config", cfg.toString())) {
      Await.until(
          Duration.ofSeconds(60),
          "two failed attempts logged",
          () -> p.log().split("the server does not know the access key", -1).length > 2);
      p.kill(); // a clean stop would wait for the replica that refuses the keys
    }
    String text = Files.readString(log);
    for (String s : secrets) {
      assertFalse(text.contains(s), "the log shows " + s);
    }
  }

  private String run(String... args) throws Exception {
    Path log = tmp.resolve("run-" + System.nanoTime() + ".log");
    try (AgentProcess p = AgentProcess.start(log, Map.of(), args)) {
      int exit = p.waitFor(Duration.ofSeconds(60));
      String out = p.log();
      assertEquals(args[0].equals("databases") ? 0 : 1, exit, out);
      return out;
    }
  }
}
