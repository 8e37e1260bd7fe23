package dev.walship.agent.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.walship.agent.config.HeartbeatConfig;
import dev.walship.agent.sftp.SftpReplicaStore;
import dev.walship.agent.ship.ShipSettings;
import dev.walship.agent.ship.Shipper;
import dev.walship.testing.Await;
import dev.walship.testing.Sqlite;
import dev.walship.testing.TcpProxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code heartbeat-url}: a local HTTP server receives GETs while the SFTP replica is in sync, none
 * while the replica's server cannot be reached (the application keeps writing), and GETs again once
 * the replica caught up.
 */
class HeartbeatIT {
  private static final Duration INTERVAL = Duration.ofMillis(200);
  @TempDir Path tmp;

  @Test
  void beatsWhileHealthyAndNoneWhileTheReplicaIsDown() throws Exception {
    AtomicInteger gets = new AtomicInteger();
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext(
        "/ping/secret-uuid",
        ex -> {
          if (ex.getRequestMethod().equals("GET")) {
            gets.incrementAndGet();
          }
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    http.start();
    Path db = tmp.resolve("app.db");
    try (TestServer server = TestServer.start(tmp);
        TcpProxy proxy = TcpProxy.start("127.0.0.1", server.port());
        Connection c = Sqlite.openWal(db, 1000)) {
      SftpReplicaStore viaProxy = server.storeThrough(proxy, "app");
      URI url = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/ping/secret-uuid");
      try (Replicator r =
          Replicator.builder()
              .database(db)
              .replica(
                  "sftp",
                  viaProxy,
                  ShipSettings.DEFAULTS.withBackoff(Duration.ofMillis(100), Duration.ofMillis(400)))
              .heartbeat(new HeartbeatConfig(url, INTERVAL))
              .random(new SplittableRandom(4))
              .start()) {
        Sqlite.exec(c, "CREATE TABLE t(x)", "INSERT INTO t VALUES (1)");
        assertTrue(r.sync(Duration.ofSeconds(20)));
        Await.until(Duration.ofSeconds(20), "heartbeats while in sync", () -> gets.get() >= 3);

        Shipper sftp = r.databases().get(0).shippers().get(0);
        proxy.refuse(true);
        proxy.cutAll();
        long errors = sftp.stats().errors();
        Sqlite.exec(c, "INSERT INTO t VALUES (2)");
        Await.until(
            Duration.ofSeconds(20), "the shipper fails", () -> sftp.stats().errors() > errors);
        int whileDown = gets.get();
        for (int i = 0; i < 8; i++) { // 8 intervals with the replica down
          Sqlite.exec(c, "INSERT INTO t VALUES (3)");
          Thread.sleep(INTERVAL.toMillis());
        }
        assertEquals(whileDown, gets.get(), "no heartbeat while the replica is down");

        proxy.refuse(false);
        assertTrue(r.sync(Duration.ofSeconds(30)));
        Await.until(
            Duration.ofSeconds(20),
            "heartbeats again once caught up",
            () -> gets.get() >= whileDown + 2);
      } finally {
        viaProxy.close();
      }
    } finally {
      http.stop(0);
    }
  }
}
