package dev.walship.agent.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.config.AgentConfig;
import dev.walship.agent.config.ConfigLoader;
import dev.walship.agent.config.DbConfig;
import dev.walship.agent.config.PathExpander;
import dev.walship.agent.config.SftpReplicaConfig;
import dev.walship.agent.restore.RestorePlanner;
import dev.walship.agent.restore.RestoreSettings;
import dev.walship.agent.restore.RestoreTarget;
import dev.walship.agent.restore.Restorer;
import dev.walship.agent.restore.WalApplier;
import dev.walship.agent.store.ReplicaStores;
import dev.walship.format.catalog.ReplicaCatalog;
import dev.walship.format.store.ReplicaStore;
import dev.walship.testing.Await;
import dev.walship.testing.Sqlite;
import dev.walship.toolkit.time.Ticker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's acceptance: 200 databases in one directory, replicated by one {@code dir:} + {@code
 * watch:} entry to replica-server with its default limits (10 connections per user): 180 exist at
 * start, 20 are created later, 5 are deleted; every live one reaches the server over one SSH
 * connection (counted by the server) and restores exactly; the agent's threads do not grow with the
 * number of databases.
 */
class ManyDatabasesIT {
  private static final int AT_START = 180;
  private static final int LATER = 20;
  private static final int DELETED = 5;

  @TempDir Path tmp;

  @Test
  void twoHundredDatabasesInOneWatchedDirectoryShareOneConnectionAndRestoreExactly()
      throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("tenants"));
    Map<Path, Connection> open = new LinkedHashMap<>();
    try (TestServer server = TestServer.start(tmp)) {
      for (int i = 0; i < AT_START; i++) {
        open.put(dir.resolve(name(i)), create(dir.resolve(name(i)), i));
      }
      Files.writeString(dir.resolve("notes.txt"), "not a database\n");
      Files.write(dir.resolve("empty.db"), new byte[0]); // not (yet) a database: no SQLite header
      Path cfgFile =
          Files.writeString(
              tmp.resolve("litestream.yml"),
              """
          dbs:
            - dir: %s
              pattern: "tenant-*.db"
              watch: true
              replicas:
                - url: sftp://%s@127.0.0.1:%d/db/tenants
                  key-path: %s
                  host-key: %s
          """
                  .formatted(
                      dir,
                      TestServer.USER,
                      server.port(),
                      server.key.privateKey(),
                      server.server.hostKeyFingerprint()));
      AgentConfig cfg =
          new ConfigLoader(Map.of(), PathExpander.ofSystem())
              .parse(Files.readString(cfgFile), cfgFile.toString(), false);

      AtomicInteger maxConnections = new AtomicInteger();
      AtomicBoolean sampling = new AtomicBoolean(true);
      Thread sampler =
          new Thread(
              () -> {
                while (sampling.get()) {
                  maxConnections.accumulateAndGet(server.server.connections(), Math::max);
                  try {
                    Thread.sleep(5);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      sampler.start();
      ReplicaStores stores = ReplicaStores.defaults();
      int threadsBefore = Thread.activeCount();
      Replicator r = Replicator.builder().stores(stores).directory(cfg.dirs().get(0)).start();
      try {
        assertEquals(AT_START, r.paths().size(), "found at start: " + r.paths().size());
        assertTrue(
            r.sync(Duration.ofSeconds(120)), "the databases there at start reached the server");
        int added = Thread.activeCount() - threadsBefore;
        assertTrue(
            added <= 16 + 16 + 12,
            "threads do not grow with the "
                + AT_START
                + " databases: "
                + added
                + " more (capture and shipping pools, watcher, SSH client)");

        for (int i = AT_START; i < AT_START + LATER; i++) {
          open.put(dir.resolve(name(i)), create(dir.resolve(name(i)), i));
        }
        Await.until(
            Duration.ofSeconds(30),
            "the databases created later are followed",
            () -> r.paths().size() == AT_START + LATER);
        List<Path> deleted = new ArrayList<>();
        for (int i = 0; i < DELETED; i++) {
          Path db = dir.resolve(name(i * 7));
          open.remove(db).close();
          for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(Path.of(db + suffix));
          }
          deleted.add(db);
        }
        Await.until(
            Duration.ofSeconds(30),
            "deleted databases are no longer followed",
            () -> r.paths().size() == AT_START + LATER - DELETED);
        assertTrue(deleted.stream().noneMatch(r.paths()::contains));

        int round = 0;
        for (Connection c : open.values()) {
          Sqlite.exec(c, "INSERT INTO t(v) VALUES ('after " + round++ + "')");
        }
        assertTrue(r.sync(Duration.ofSeconds(120)), "every live database reached the server");
        assertEquals(1, server.server.connections(), "one SSH connection, as the server counts");
        assertEquals(1, maxConnections.get(), "never more than one, as the server counts");
        assertEquals(1, server.server.logins(), "and never a second login (no reconnect)");
        assertTrue(r.stop(Duration.ofSeconds(60)));
      } finally {
        r.close();
        sampling.set(false);
        sampler.join();
        for (Connection c : open.values()) {
          c.close();
        }
      }
      assertFalse(r.paths().contains(dir.resolve("empty.db")));

      assertEquals(0, server.server.connections(), "stop closed the shared connection");

      Set<Path> restored = new HashSet<>();
      ReplicaStores restoreStores = ReplicaStores.defaults();
      Map<Path, ReplicaStore> readers = new LinkedHashMap<>();
      try {
        for (Path db : open.keySet()) {
          DbConfig d =
              cfg.db(db).orElseThrow(() -> new AssertionError(db + " not found by its path"));
          assertEquals(
              "/db/tenants/" + db.getFileName(),
              ((SftpReplicaConfig) d.replicas().get(0)).target().path(),
              "the entry's replica path plus the database's relative path");
          readers.put(db, restoreStores.open(d.replicas().get(0))); // all on one connection
        }
        for (Map.Entry<Path, ReplicaStore> e : readers.entrySet()) {
          Path db = e.getKey();
          Path out = tmp.resolve("restored").resolve(db.getFileName());
          Files.createDirectories(out.getParent());
          new Restorer(
                  e.getValue(),
                  new RestoreSettings(
                      2,
                      WalApplier.Mode.PAGES,
                      new PrintStream(new ByteArrayOutputStream()),
                      Duration.ofMinutes(1),
                      Ticker.SYSTEM))
              .restore(
                  RestorePlanner.plan(ReplicaCatalog.load(e.getValue()), RestoreTarget.LATEST),
                  out);
          assertEquals(Sqlite.dump(db), Sqlite.dump(out), db + " restores exactly");
          restored.add(db);
        }
      } finally {
        for (ReplicaStore store : readers.values()) {
          store.close();
        }
      }
      assertEquals(AT_START + LATER - DELETED, restored.size());
    }
  }

  private static String name(int i) {
    return "tenant-%03d.db".formatted(i);
  }

  private static Connection create(Path db, int i) throws Exception {
    Connection c = Sqlite.openWal(db, 1000);
    Sqlite.exec(
        c,
        "PRAGMA synchronous=OFF",
        "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)",
        "INSERT INTO t(v) VALUES ('" + db.getFileName() + "')",
        "INSERT INTO t(v) VALUES (hex(randomblob(" + (100 + i) + ")))");
    return c;
  }
}
