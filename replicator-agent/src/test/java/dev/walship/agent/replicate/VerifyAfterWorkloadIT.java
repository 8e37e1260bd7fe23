package dev.walship.agent.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.Main;
import dev.walship.agent.cli.CliContext;
import dev.walship.agent.config.ConfigLoader;
import dev.walship.agent.config.DbConfig;
import dev.walship.agent.config.PathExpander;
import dev.walship.agent.verify.ValidationLoop;
import dev.walship.agent.verify.Verdict;
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
 * No false alarm: while 1,500 transactions of varied sizes (rows over a page, rollbacks, a VACUUM,
 * WAL restarts every 100 frames, the application's autocheckpoint on) replicate over SFTP, every
 * {@code validation-interval} check that compares finds the replica equal to the database at its
 * position, across many WAL indices; afterwards {@code replicator verify} says ok and exits 0.
 */
class VerifyAfterWorkloadIT {
  @TempDir Path tmp;

  @Test
  void validationFindsNoMismatchUnderLoadAndVerifyPassesAfterwards() throws Exception {
    Path db = tmp.resolve("app.db");
    try (TestServer server = TestServer.start(tmp);
        Connection c = Sqlite.openWal(db, 1000)) {
      Path yml =
          Files.writeString(
              tmp.resolve("replicator.yml"),
              """
          dbs:
            - path: %s
              min-checkpoint-page-count: 100
              replicas:
                - name: alpha
                  validation-interval: 300ms
          """
                      .formatted(db)
                  + server.walshipReplicaYaml("app").replaceFirst("- url:", "  url:"));
      DbConfig cfg =
          new ConfigLoader(Map.of(), PathExpander.ofSystem())
              .parse(Files.readString(yml), yml.toString(), false)
              .dbs()
              .get(0);
      try (Replicator r =
          Replicator.builder().database(cfg).random(new SplittableRandom(8)).start()) {
        ValidationLoop loop = r.validations().get(0);
        new Workload(c, 21).run(1500, 700, done -> {});
        assertTrue(r.sync(Duration.ofSeconds(60)));
        long oks = loop.count(Verdict.Result.OK);
        Await.until(
            Duration.ofSeconds(60),
            "a check after the workload",
            () -> loop.count(Verdict.Result.OK) > oks);
        assertEquals(0, loop.count(Verdict.Result.MISMATCH), "last: " + loop.last());
        assertTrue(loop.last().position().index() > 2, "several WAL indices: " + loop.last());
      }
      StringWriter out = new StringWriter();
      int exit =
          Main.run(
              new String[] {"verify", "-config", yml.toString()},
              new CliContext(
                  Map.of(),
                  PathExpander.ofSystem(),
                  new PrintWriter(out),
                  new PrintWriter(new StringWriter())));
      assertEquals(0, exit, out.toString());
      assertTrue(out.toString().contains("[alpha]: validation ok at "), out.toString());
    }
  }
}
