package dev.walship.agent.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.capture.ShadowLog;
import dev.walship.agent.sftp.SftpReplicaStore;
import dev.walship.agent.ship.ShipSettings;
import dev.walship.agent.ship.Shipper;
import dev.walship.format.layout.Position;
import dev.walship.format.store.FileReplicaStore;
import dev.walship.testing.Await;
import dev.walship.testing.Litestream;
import dev.walship.testing.Sqlite;
import dev.walship.testing.TcpProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SFTP replica that goes away (connections cut, new ones refused) while the application writes:
 * capture and the other replica carry on, the shipper retries, and once the server is reachable
 * again the replica catches up and restores to the source.
 */
class DownReplicaIT {
  @TempDir Path tmp;

  @Test
  void aReplicaThatIsDownCatchesUpWhenItIsBack() throws Exception {
    Path db = tmp.resolve("app.db");
    try (TestServer server = TestServer.start(tmp);
        TcpProxy proxy = TcpProxy.start("127.0.0.1", server.port());
        Connection c = Sqlite.openWal(db, 1000)) {
      SftpReplicaStore viaProxy = server.storeThrough(proxy, "app");
      ShipSettings quickRetries =
          ShipSettings.DEFAULTS.withBackoff(Duration.ofMillis(100), Duration.ofMillis(400));
      Replicator r =
          Replicator.builder()
              .database(db)
              .replica("sftp", viaProxy, quickRetries)
              .replica("local", new FileReplicaStore(tmp.resolve("local")), ShipSettings.DEFAULTS)
              .random(new SplittableRandom(9))
              .start();
      try {
        Shipper sftp = r.databases().get(0).shippers().get(0);
        Shipper local = r.databases().get(0).shippers().get(1);
        Workload first = new Workload(c, 31);
        for (int i = 0; i < 10; i++) {
          first.run(10, -1, done -> {});
          assertTrue(r.sync(Duration.ofSeconds(20)));
        }
        assertTrue(sftp.stats().segments() >= 10, "segments: " + sftp.stats().segments());
        assertEquals(1, proxy.accepted(), "one SSH connection for every upload");

        proxy.refuse(true);
        proxy.cutAll();
        new Workload(c, 32).run(300, -1, done -> {});
        ShadowLog log = r.databases().get(0).log();
        Thread.sleep(200); // capture copies the last commits within milliseconds
        Position end = log.end();
        Await.until(
            Duration.ofSeconds(20),
            "the local replica keeps up",
            () -> end.equals(local.stats().replicaPosition()));
        Await.until(
            Duration.ofSeconds(20),
            "the SFTP shipper fails and retries",
            () -> sftp.stats().errors() >= 2);
        assertTrue(sftp.lagBytes() != 0, "the SFTP replica is behind");

        proxy.refuse(false);
        assertTrue(
            r.sync(Duration.ofSeconds(30)),
            "caught up: " + sftp.stats().replicaPosition() + " vs " + end);
        assertEquals(0, sftp.lagBytes());
      } finally {
        r.close();
        viaProxy.close();
      }
      Path cfg =
          Files.writeString(tmp.resolve("litestream.yml"), server.litestreamConfig(db, "app"));
      Path out = tmp.resolve("restored.db");
      Litestream.run("restore", "-config", cfg.toString(), "-o", out.toString(), db.toString())
          .orThrow();
      assertEquals(Sqlite.dump(db), Sqlite.dump(out));
    }
  }
}
