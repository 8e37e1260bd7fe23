package dev.walship.agent.restore;

import dev.walship.format.store.FileReplicaStore;
import dev.walship.testing.Await;
import dev.walship.testing.Litestream;
import dev.walship.testing.Sqlite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A replica written by the real Litestream v0.3.13, with a recorded history: several WAL indices
 * (checkpoints), two generations (Litestream restarted while the app wrote and reset its WAL), and
 * the source's {@code .dump} at recorded moments when the replica had caught up. Built once per JVM
 * in a temporary directory; tests copy the replica before damaging it.
 */
public final class LitestreamHistory {
  private static LitestreamHistory instance;

  public final Path dir;
  public final Path db;
  public final Path replica;
  public final Path config;

  /** Recorded moment → the source's dump then (the replica held exactly that state). */
  public final Map<Instant, String> dumps = new LinkedHashMap<>();

  /** A moment after Litestream stopped and before the app wrote more: between the generations. */
  public Instant betweenGenerations;

  public String dumpBetweenGenerations;
  public String latestDump;

  private LitestreamHistory(Path dir) {
    this.dir = dir;
    this.db = dir.resolve("app.db");
    this.replica = dir.resolve("replica");
    this.config = dir.resolve("litestream.yml");
  }

  /** The shared history, built on first use. */
  public static synchronized LitestreamHistory get() {
    if (instance == null) {
      try {
        Path dir = Files.createTempDirectory("walship-litestream-history");
        LitestreamHistory h = new LitestreamHistory(dir);
        h.build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
        instance = h;
      } catch (Exception e) {
        throw new IllegalStateException("cannot build the Litestream history", e);
      }
    }
    return instance;
  }

  private void build() throws Exception {
    Files.writeString(
        config,
        """
        dbs:
          - path: %s
            monitor-interval: 50ms
            checkpoint-interval: 1h
            min-checkpoint-page-count: 30
            replicas:
              - url: file://%s
                sync-interval: 50ms
        """
            .formatted(db, replica));
    try (Connection c = Sqlite.openWal(db, 0)) {
      Sqlite.exec(
          c,
          "create table fruits(name text, color text, blob)",
          "insert into fruits values('appple','red',null)",
          "insert into fruits values('banana','yellow',null)");
      try (Litestream ls = Litestream.replicate(config)) {
        awaitSnapshot(ls);
        for (int burst = 0; burst < 4; burst++) { // several segments in one index, so that tests
          phase(c, burst * 10, burst * 10 + 10); // find a middle one (offset > 0, a successor)
          Thread.sleep(300);
        }
        record();
        phase(c, 40, 120); // crosses min-checkpoint-page-count: more WAL indices
        Sqlite.exec(c, "PRAGMA wal_checkpoint(PASSIVE)");
        phase(c, 120, 160);
        record();
        phase(c, 160, 200);
        Sqlite.exec(c, "delete from fruits where rowid % 3 = 0");
        record();
      }
      betweenGenerations = Instant.now();
      dumpBetweenGenerations = Sqlite.dump(db);
      nextSecond();
      phase(c, 200, 230); // while Litestream is down
      Sqlite.exec(c, "PRAGMA wal_checkpoint(TRUNCATE)"); // WAL reset behind Litestream's back
      try (Litestream ls = Litestream.replicate(config)) {
        Await.until(
            Duration.ofSeconds(30),
            "a second generation with its snapshot\n" + ls.log(),
            () -> generationsWithSnapshot() == 2);
        Thread.sleep(1000);
        phase(c, 230, 300);
        record();
        phase(c, 300, 330);
        Thread.sleep(1000);
      }
      latestDump = Sqlite.dump(db);
    }
  }

  private int generationsWithSnapshot() throws IOException {
    FileReplicaStore s = new FileReplicaStore(replica);
    int n = 0;
    for (var g : s.generations()) {
      n += s.snapshots(g).isEmpty() ? 0 : 1;
    }
    return n;
  }

  private void awaitSnapshot(Litestream ls) {
    Await.until(
        Duration.ofSeconds(30),
        "Litestream's first snapshot\n" + ls.log(),
        () -> {
          FileReplicaStore s = new FileReplicaStore(replica);
          return !s.generations().isEmpty() && !s.snapshots(s.generations().get(0)).isEmpty();
        });
  }

  private static void phase(Connection c, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      Sqlite.exec(
          c,
          "insert into fruits values('fruit"
              + i
              + "', 'color"
              + (i % 7)
              + "', randomblob("
              + (100 + (i * 37) % 3000)
              + "))");
    }
  }

  /**
   * Lets Litestream catch up, records the moment and the dump, and keeps the next writes apart: in
   * a later second, since SFTP v3 carries mtimes in whole seconds.
   */
  private void record() throws Exception {
    Thread.sleep(1000);
    Instant t = Instant.now();
    dumps.put(t, Sqlite.dump(db));
    nextSecond();
  }

  private static void nextSecond() throws InterruptedException {
    Thread.sleep(1200 - Instant.now().getNano() / 1_000_000);
  }

  /** A fresh copy of the replica tree, to damage. */
  public Path copyReplica(Path target) {
    try (Stream<Path> s = Files.walk(replica)) {
      for (Path p : s.toList()) {
        Path t = target.resolve(replica.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort at exit
    }
  }
}
