package dev.walship.agent.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.ship.ShipSettings;
import dev.walship.agent.ship.TestDb;
import dev.walship.format.layout.Position;
import dev.walship.format.store.FileReplicaStore;
import dev.walship.testing.Litestream;
import dev.walship.testing.Sqlite;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wiring: databases, replicas, sync, metrics, stop; capture is a fake fed from the real WAL.
 */
class ReplicatorTest {
  @TempDir Path tmp;

  static String scrape(int port) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    return r.body();
  }

  static String restoreDump(Path replica, Path out) {
    Litestream.run("restore", "-o", out.toString(), "file://" + replica).orThrow();
    return Sqlite.dump(out);
  }

  @Test
  void twoDatabasesEachWithTwoReplicasSyncServeMetricsAndStop() throws Exception {
    Path a = tmp.resolve("a.db");
    Path b = tmp.resolve("b.db");
    try (TestDb dbA = new TestDb(a);
        TestDb dbB = new TestDb(b)) {
      Replicator r =
          Replicator.builder()
              .database(a)
              .replica(new FileReplicaStore(tmp.resolve("a1")))
              .replica("file://" + tmp.resolve("a2"))
              .database(b)
              .replica("one", new FileReplicaStore(tmp.resolve("b1")), ShipSettings.DEFAULTS)
              .replica("two", new FileReplicaStore(tmp.resolve("b2")), ShipSettings.DEFAULTS)
              .metrics("127.0.0.1:0")
              .random(new SplittableRandom(1))
              .captureFactory(FakeCapture.FACTORY)
              .start();
      try {
        for (int i = 0; i < 20; i++) {
          dbA.insert(3, 500);
          dbB.insert(2, 3000);
        }
        // the fake capture sees the last commits a moment later: scrape until the end held still
        // across it
        Position endA;
        String m;
        int tries = 0;
        do {
          assertTrue(r.sync(Duration.ofSeconds(20)));
          endA = FakeCapture.STARTED.get(a.toString()).log.end();
          m = scrape(r.metricsPort());
          Thread.sleep(20);
        } while (!endA.equals(FakeCapture.STARTED.get(a.toString()).log.end()) && ++tries < 100);
        assertTrue(
            m.contains("walship_shadow_wal_offset_bytes{db=\"" + a + "\"} " + endA.offset() + ".0"),
            m);
        assertTrue(
            m.contains(
                "walship_replica_wal_offset_bytes{db=\""
                    + a
                    + "\",replica=\"replica\"} "
                    + endA.offset()
                    + ".0"),
            m);
        assertTrue(
            m.contains(
                "walship_replica_wal_offset_bytes{db=\""
                    + a
                    + "\",replica=\"file\"} "
                    + endA.offset()
                    + ".0"),
            m);
        assertTrue(
            m.contains("walship_replica_lag_bytes{db=\"" + b + "\",replica=\"two\"} 0.0"), m);
        assertTrue(
            m.contains("walship_replica_lag_seconds{db=\"" + b + "\",replica=\"one\"} 0.0"), m);
        assertTrue(
            m.contains("walship_replica_snapshots_total{db=\"" + b + "\",replica=\"one\"} 1.0"), m);
        assertTrue(
            m.contains("walship_replica_errors_total{db=\"" + a + "\",replica=\"replica\"} 0.0"),
            m);
        assertTrue(
            m.contains(
                "walship_replica_wal_bytes_total{db=\""
                    + a
                    + "\",replica=\"replica\"} "
                    + endA.offset()
                    + ".0"),
            m);
        assertTrue(m.contains("# TYPE walship_replica_segments_total counter"), m);
        assertTrue(
            m.contains(
                "walship_replica_last_sync_timestamp_seconds{db=\"" + a + "\",replica=\"file\"}"),
            m);
        dbA.insert(5, 100); // committed, not yet synced: stop must ship it
        assertTrue(r.stop(Duration.ofSeconds(20)));
      } finally {
        r.close();
      }
      assertTrue(FakeCapture.STARTED.get(a.toString()).finished);
      assertTrue(FakeCapture.STARTED.get(a.toString()).closed);
      String dumpA = Sqlite.dump(a);
      String dumpB = Sqlite.dump(b);
      assertEquals(dumpA, restoreDump(tmp.resolve("a1"), tmp.resolve("ra1.db")));
      assertEquals(dumpA, restoreDump(tmp.resolve("a2"), tmp.resolve("ra2.db")));
      assertEquals(dumpB, restoreDump(tmp.resolve("b1"), tmp.resolve("rb1.db")));
      assertEquals(dumpB, restoreDump(tmp.resolve("b2"), tmp.resolve("rb2.db")));
    }
  }

  @Test
  void replicasComeAfterTheirDatabaseAndUrlsAreChecked() {
    assertThrows(IllegalStateException.class, () -> Replicator.builder().replica("file:///x"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Replicator.builder().database(tmp.resolve("x.db")).replica("gcs://bucket/x"));
    assertFalse(e.getMessage().isEmpty());
    assertThrows(IllegalArgumentException.class, () -> Replicator.builder().metrics("9090"));
  }
}
