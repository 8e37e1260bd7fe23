package dev.walship.agent.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.FixedRandom;
import dev.walship.testing.OpenSshServer;
import dev.walship.testing.TcpProxy;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reconnects against OpenSSH's sshd behind a {@link TcpProxy} that refuses or cuts connections. */
class ReconnectorTest {
  @TempDir static Path tmp;
  static SftpFixture fx;

  @BeforeAll
  static void start() {
    fx = SftpFixture.start(tmp);
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void waitsWithExactBackoffUntilTheServerIsBack() throws IOException {
    List<Duration> waits = new CopyOnWriteArrayList<>();
    try (TcpProxy proxy = TcpProxy.start(OpenSshServer.HOST, fx.server.port())) {
      SftpOptions options =
          fx.options()
              .withReconnect(5, Duration.ofMillis(100), Duration.ofSeconds(1))
              .withClock(
                  new FixedRandom(0.5),
                  d -> {
                    waits.add(d);
                    if (waits.size() == 2) {
                      proxy.refuse(false); // the server comes back during the second wait
                    }
                  });
      proxy.refuse(true);
      try (SftpReplicaStore store =
          SftpReplicaStore.open(fx.target(tmp.toString(), proxy.port()), options)) {
        store.list("");
        assertEquals(List.of(Duration.ofMillis(75), Duration.ofMillis(150)), waits);
        assertEquals(3, proxy.accepted(), "two refused attempts, then the one that worked");
        assertEquals(1, store.connectionNumber());
      }
    }
  }

  @Test
  void givesUpAfterItsAttemptsWithTheLastReason() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // nothing listens there once closed
    }
    fx.sleeps.clear();
    try (SftpReplicaStore store = SftpReplicaStore.open(fx.target("/db", port), fx.options())) {
      SftpStoreException e = assertThrows(SftpStoreException.class, () -> store.list(""));
      assertEquals(
          "sftp://root@127.0.0.1:"
              + port
              + "/db: connect: connection refused (is replica-server running?)",
          e.getMessage());
      assertFalse(e.permanent());
      assertEquals(4, fx.sleeps.size(), "five attempts, four waits");
    }
  }

  @Test
  void threadsThatSawTheSameFailureReconnectOnce() throws Exception {
    try (TcpProxy proxy = TcpProxy.start(OpenSshServer.HOST, fx.server.port());
        SftpReplicaStore store =
            SftpReplicaStore.open(fx.target(tmp.toString(), proxy.port()), fx.options())) {
      store.list("");
      ExecutorService pool = Executors.newFixedThreadPool(8);
      CountDownLatch halfway = new CountDownLatch(8);
      try {
        List<Future<?>> jobs = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          jobs.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < 40; i++) {
                      store.list("");
                      if (i == 20) {
                        halfway.countDown();
                      }
                    }
                    return null;
                  }));
        }
        halfway.await();
        proxy.cutAll();
        for (Future<?> f : jobs) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(2, store.connectionNumber(), "one reconnect for all eight threads");
    }
  }

  @Test
  void aClosedStoreRefusesWork() throws IOException {
    SftpReplicaStore store = fx.store(tmp.toString());
    store.list("");
    store.close();
    SftpStoreException e = assertThrows(SftpStoreException.class, () -> store.list(""));
    assertTrue(e.getMessage().endsWith(": the store is closed"), e.getMessage());
  }
}
