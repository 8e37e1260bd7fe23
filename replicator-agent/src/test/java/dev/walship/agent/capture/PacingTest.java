package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.Sqlite;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Capture's looks follow what the replicas can take (ShadowLog#waiting). */
class PacingTest {
  @TempDir Path dir;

  @Test
  void commitsWhileEveryReplicaIsBusyGatherIntoFewLooks() throws Exception {
    Path db = dir.resolve("b.db");
    Harness.create(db, 3);
    try (DatabaseCapture cap = Harness.start(db, CaptureSettings.DEFAULTS, 5);
        Connection app = Sqlite.openWal(db, 0)) {
      Harness.awaitCapturing(cap);
      Harness.awaitCaughtUp(cap);
      cap.pace("busy", Duration.ZERO); // a replica that never says it waits
      long looks = cap.fullLooks();
      long t0 = System.nanoTime();
      int commits = 200;
      for (int i = 0; i < commits; i++) {
        Sqlite.exec(app, "insert into t(x) values(randomblob(100))");
      }
      long paces = (System.nanoTime() - t0) / Outbox.BUSY_PACE.toNanos();
      Harness.awaitCaughtUp(cap);
      long made = cap.fullLooks() - looks;
      // one look per pace during the burst, plus the monitor's and the one after it
      assertTrue(
          made <= paces + 4, made + " looks for " + commits + " commits in " + paces + " paces");
    }
  }

  @Test
  void aDeferredLookRunsAsSoonAsAReplicaWaits() throws Exception {
    Path db = dir.resolve("w.db");
    Harness.create(db, 3);
    CaptureSettings s = CaptureSettings.DEFAULTS.withMonitorInterval(Duration.ofHours(1));
    try (DatabaseCapture cap = Harness.start(db, s, 6);
        Connection app = Sqlite.openWal(db, 0)) {
      Harness.awaitCapturing(cap);
      Harness.awaitCaughtUp(cap);
      cap.pace("hourly", Duration.ofHours(1)); // paces looks by 15 minutes
      var before = cap.end();
      Sqlite.exec(app, "insert into t(x) values(1)");
      assertEquals(before, cap.end(), "the commit waits for the pace");
      cap.waiting("hourly", before);
      Harness.awaitCaughtUp(cap); // within seconds, not the pace's 15 minutes
      assertTrue(cap.end().compareTo(before) > 0);
    }
  }
}
