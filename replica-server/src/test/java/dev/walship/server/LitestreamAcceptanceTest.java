package dev.walship.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.PathClass;
import dev.walship.format.layout.PathClassifier;
import dev.walship.format.store.FileReplicaStore;
import dev.walship.format.validate.ContentCheck;
import dev.walship.format.validate.ReplicaCheck;
import dev.walship.format.validate.SegmentContext;
import dev.walship.testing.Await;
import dev.walship.testing.Litestream;
import dev.walship.testing.Sqlite;
import dev.walship.testing.TcpProxy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Litestream v0.3.13 replicates the seed's {@code fruits.db} to this server over SFTP (its
 * client writes final names with O_TRUNC and no rename) and restores it from there; the tree it
 * leaves validates with shared-format, also when its connection is cut in the middle of an upload.
 */
class LitestreamAcceptanceTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String FRUITS =
      "CREATE TABLE fruits(name TEXT, color TEXT); INSERT INTO fruits VALUES ('appple', 'red'), ('banana', 'yellow');";
  @TempDir static Path dir;
  static ServerFixture f;

  @BeforeAll
  static void start() {
    f = ServerFixture.start(dir);
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @Test
  void replicatesFruitsAndRestoresThem() throws Exception {
    Path work = Files.createDirectories(dir.resolve("fruits"));
    Path db = work.resolve("fruits.db");
    Sqlite.cli(db, FRUITS);
    Path config = config(work, db, f.server.port(), "/db");
    Path replicaRoot = f.root.resolve("db");
    try (Litestream ls = Litestream.replicate(config)) {
      Path tree = replicaRoot.resolve("generations");
      Await.until(
          WAIT,
          "a snapshot and a WAL segment on the server",
          () -> has(tree, ".snapshot.lz4") && has(tree, ".wal.lz4"));
    }
    deleteDatabase(db);
    assertEquals("appple|red\nbanana|yellow\n", restore(work, config, db));
    treeValidates(replicaRoot);
  }

  @Test
  void aConnectionCutMidUploadNeverShowsATruncatedFile() throws Exception {
    Path work = Files.createDirectories(dir.resolve("cut"));
    Path db = work.resolve("fruits.db");
    Sqlite.cli(
        db,
        FRUITS
            + "CREATE TABLE filler(x); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 64)"
            + " INSERT INTO filler SELECT randomblob(65536) FROM c;");
    Path replicaRoot = f.root.resolve("db/cut");
    Watcher watcher = new Watcher(replicaRoot);
    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", f.server.port())) {
      Path config = config(work, db, proxy.port(), "/db/cut");
      watcher.start();
      try (Litestream ls = Litestream.replicate(config)) {
        Await.until(
            WAIT,
            "the 4 MiB snapshot upload in flight",
            () -> hiddenBytes(f.root.resolve("db/.replica-server-upload-staging")) > (1 << 20));
        proxy.cutAll();
        // Litestream v0.3.13 retries a failed sync only when the database changes again, and a
        // change made before it noticed the cut can be taken by the failing sync: change it until
        // the snapshot is there.
        Sqlite.cli(db, "INSERT INTO filler VALUES (randomblob(100));");
        long[] nudged = {System.nanoTime()};
        Await.until(
            WAIT,
            "Litestream to reconnect and finish the snapshot",
            () -> {
              if (has(replicaRoot, ".snapshot.lz4")) {
                return true;
              }
              if (System.nanoTime() - nudged[0] > Duration.ofSeconds(2).toNanos()) {
                Sqlite.cli(db, "INSERT INTO filler VALUES (randomblob(100));");
                nudged[0] = System.nanoTime();
              }
              return false;
            });
        assertTrue(
            proxy.cuts() >= 1 && proxy.accepted() >= 2,
            "the connection was cut and Litestream came back");
      } finally {
        watcher.stop();
      }
      Await.until(
          WAIT,
          "no unfinished upload left",
          () -> hiddenBytes(f.root.resolve("db/.replica-server-upload-staging")) < 0);
      assertEquals(
          List.of(),
          watcher.violations,
          "every final name ever visible held a valid file; Litestream's log:\n"
              + Files.readString(Path.of(config + ".log")));
      assertTrue(watcher.seen.size() >= 2, "the watcher saw the files: " + watcher.seen);
      String rows = Sqlite.cli(db, "SELECT count(*) FROM filler;");
      assertTrue(Integer.parseInt(rows.strip()) > 64, rows);
      deleteDatabase(db);
      assertEquals("appple|red\nbanana|yellow\n", restore(work, config, db));
      assertEquals(rows, Sqlite.cli(work.resolve("restored.db"), "SELECT count(*) FROM filler;"));
    }
    treeValidates(replicaRoot);
  }

  /**
   * Litestream opens one SSH connection per replica: 50 databases are 50 connections of one user,
   * all opened at once, which the server's default limits must admit. Every replica tree must
   * validate; a sample of them is restored by Litestream (each restore costs a connection and about
   * 0.3 s).
   */
  @Test
  void fiftyDatabasesEachOverItsOwnConnectionAllReplicate() throws Exception {
    int n = 50;
    Path work = Files.createDirectories(dir.resolve("fifty"));
    StringBuilder yml = new StringBuilder("dbs:\n");
    for (int i = 0; i < n; i++) {
      Path db = work.resolve("db" + i + ".db");
      try (Connection c = Sqlite.openWal(db, 1000)) {
        Sqlite.exec(c, "CREATE TABLE t(x)", "INSERT INTO t VALUES ('row of db" + i + "')");
      }
      yml.append(
          """
            - path: %s
              replicas:
                - url: sftp://replicator@127.0.0.1:%d/db/fifty/db%d
                  key-path: %s
          """
              .formatted(db, f.server.port(), i, f.key.privateKey()));
    }
    Path config = Files.writeString(work.resolve("litestream.yml"), yml);
    Path replicas = f.root.resolve("db/fifty");
    try (Litestream ls = Litestream.replicate(config)) {
      try {
        Await.until(
            WAIT,
            "a snapshot and a WAL segment of each of the " + n + " databases on the server",
            () -> missing(replicas, n).isEmpty());
      } catch (AssertionError e) {
        throw new AssertionError("not on the server: " + missing(replicas, n) + "\n" + ls.log(), e);
      }
      assertFalse(ls.log().contains("Too many"), ls.log());
    }
    for (int i = 0; i < n; i++) {
      treeValidates(replicas.resolve("db" + i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> restored = new ArrayList<>();
      for (int i = 0; i < n; i += 5) {
        int k = i;
        restored.add(
            pool.submit(
                () -> {
                  Path out = work.resolve("restored" + k + ".db");
                  Litestream.run(
                          "restore",
                          "-config",
                          config.toString(),
                          "-o",
                          out.toString(),
                          work.resolve("db" + k + ".db").toString())
                      .orThrow();
                  return Sqlite.cli(out, "SELECT x FROM t;");
                }));
      }
      for (int i = 0; i < restored.size(); i++) {
        assertEquals("row of db" + (5 * i) + "\n", restored.get(i).get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The databases among the first {@code n} without a snapshot and a WAL segment on the server. */
  private static List<Integer> missing(Path replicas, int n) {
    return IntStream.range(0, n)
        .filter(
            i ->
                !hasQuietly(replicas.resolve("db" + i), ".snapshot.lz4")
                    || !hasQuietly(replicas.resolve("db" + i), ".wal.lz4"))
        .boxed()
        .toList();
  }

  private static boolean hasQuietly(Path tree, String suffix) {
    try {
      return has(tree, suffix);
    } catch (IOException e) {
      return false;
    }
  }

  private static Path config(Path work, Path db, int port, String remotePath) throws IOException {
    return Files.writeString(
        work.resolve("litestream.yml"),
        """
        dbs:
          - path: %s
            replicas:
              - url: sftp://replicator@127.0.0.1:%d%s
                key-path: %s
        """
            .formatted(db, port, remotePath, f.key.privateKey()));
  }

  private static String restore(Path work, Path config, Path db) {
    Path restored = work.resolve("restored.db");
    Litestream.run(
            "restore", "-config", config.toString(), "-o", restored.toString(), db.toString())
        .orThrow();
    return Sqlite.cli(restored, "SELECT name || '|' || color FROM fruits ORDER BY rowid;");
  }

  private static void treeValidates(Path replicaRoot) throws IOException {
    ReplicaCheck.Report report = ReplicaCheck.check(new FileReplicaStore(replicaRoot));
    assertTrue(report.ok(), "the tree validates: " + report.problems());
    assertTrue(report.snapshots() >= 1 && report.segments() >= 1, report.toString());
  }

  /** The files under {@code tree} (hidden ones included), relative to it. */
  private static List<Path> files(Path tree) throws IOException {
    if (!Files.exists(tree)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(tree)) {
      return s.filter(Files::isRegularFile).map(tree::relativize).toList();
    } catch (UncheckedIOException raced) {
      return List.of();
    }
  }

  private static boolean has(Path tree, String suffix) throws IOException {
    return files(tree).stream().anyMatch(p -> p.toString().endsWith(suffix));
  }

  /**
   * Bytes in the server's hidden upload files under {@code tree} (its staging directory); -1 when
   * there are none.
   */
  private static long hiddenBytes(Path tree) throws IOException {
    long total = -1;
    for (Path p : files(tree)) {
      if (p.getFileName().toString().startsWith(".replica-server-upload-")) {
        try {
          total = Math.max(total, 0) + Files.size(tree.resolve(p));
        } catch (NoSuchFileException gone) {
          // renamed or discarded meanwhile
        }
      }
    }
    return total;
  }

  private static void deleteDatabase(Path db) throws IOException {
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      Files.deleteIfExists(Path.of(db + suffix));
    }
    Path meta = db.resolveSibling("." + db.getFileName() + "-litestream");
    if (Files.exists(meta)) {
      try (Stream<Path> s = Files.walk(meta)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /**
   * Polls a replica tree and validates every snapshot or segment the moment its final name appears.
   */
  private static final class Watcher implements Runnable {
    final Path root;
    final Set<String> seen = ConcurrentHashMap.newKeySet();
    final List<String> violations = new CopyOnWriteArrayList<>();
    final AtomicBoolean running = new AtomicBoolean(true);
    final Thread thread = new Thread(this, "tree-watcher");

    Watcher(Path root) {
      this.root = root;
    }

    void start() {
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join(30_000);
    }

    @Override
    public void run() {
      // One whole pass after stop(): the client's last upload may land just before it exits.
      for (boolean last = false; !last; ) {
        last = !running.get();
        try {
          for (Path rel : files(root)) {
            PathClass pc = PathClassifier.classify(rel.toString());
            if ((pc instanceof PathClass.Snapshot || pc instanceof PathClass.WalSegment)
                && seen.add(rel + "@" + Files.size(root.resolve(rel)))) {
              check(rel, pc);
            }
          }
          Thread.sleep(2);
        } catch (IOException gone) {
          // removed between listing and reading (retention): not a violation
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private void check(Path rel, PathClass pc) {
      try (InputStream in = Files.newInputStream(root.resolve(rel))) {
        if (pc instanceof PathClass.Snapshot s) {
          ContentCheck.snapshot(s.name(), in);
        } else {
          ContentCheck.segment(((PathClass.WalSegment) pc).name(), in, SegmentContext.UNKNOWN);
        }
      } catch (NoSuchFileException removed) {
        // retention removed it
      } catch (IOException e) {
        violations.add(rel + ": " + e.getMessage());
      }
    }
  }
}
