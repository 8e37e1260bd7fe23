package dev.walship.agent.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.store.FileReplicaStore;
import dev.walship.format.validate.ReplicaCheck;
import dev.walship.testing.Litestream;
import dev.walship.testing.Sqlite;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 2,000 transactions of varied sizes (rows over a page, rollbacks, a VACUUM) replicated to a file
 * replica by the real capture engine (the application's autocheckpoint on), restored by the real
 * Litestream v0.3.13: the same {@code .dump}, integrity ok.
 */
class FileReplicationIT {
  @TempDir Path tmp;

  @Test
  void twoThousandTransactionsRestoreToTheSameDatabase() throws Exception {
    Path db = tmp.resolve("app.db");
    Path replica = tmp.resolve("replica");
    try (Connection c = Sqlite.openWal(db, 1000)) {
      Replicator r =
          Replicator.builder()
              .database(db)
              .replica(new FileReplicaStore(replica))
              .random(new SplittableRandom(3))
              .start();
      try {
        new Workload(c, 11).run(2000, 1000, done -> {});
        assertTrue(r.stop(Duration.ofSeconds(30)));
      } finally {
        r.close();
      }
    }
    ReplicaCheck.Report check = ReplicaCheck.check(new FileReplicaStore(replica));
    assertTrue(check.ok(), check.problems().toString());
    assertTrue(check.segments() > 20, "segments: " + check.segments());
    Path out = tmp.resolve("restored.db");
    Litestream.run("restore", "-o", out.toString(), "file://" + replica).orThrow();
    assertEquals("ok\n", Sqlite.cli(out, "PRAGMA integrity_check"));
    assertEquals(Sqlite.dump(db), Sqlite.dump(out));
  }
}
