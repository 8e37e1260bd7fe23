package dev.walship.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.PathClass;
import dev.walship.format.layout.PathClassifier;
import dev.walship.format.store.FileReplicaStore;
import dev.walship.format.validate.ContentCheck;
import dev.walship.format.validate.ReplicaCheck;
import dev.walship.format.validate.SegmentContext;
import dev.walship.testing.Proc;
import dev.walship.testing.TestTools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Litestream v0.3.13 replicates to, and restores from, this server over SFTP (its client
 * writes final names with O_TRUNC and no rename): the tree it leaves validates with shared-format,
 * also when its connection is cut in the middle of an upload.
 */
class LitestreamAcceptanceTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
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

  private static Proc.Result sqlite(Path db, String sql) {
    return Proc.run(Duration.ofSeconds(60), TestTools.onPath("sqlite3").toString(), db.toString(), sql).orThrow();
  }

  private static Path config(Path work, Path db, String remotePath) throws IOException {
    return Files.writeString(work.resolve("litestream.yml"), """
        dbs:
          - path: %s
            replicas:
              - url: sftp://replicator@127.0.0.1:%d%s
                key-path: %s
        """.formatted(db, f.server.port(), remotePath, f.key.privateKey()));
  }

  private static Process replicate(Path work, Path config) throws IOException {
    return new ProcessBuilder(TestTools.litestream().toString(), "replicate", "-config", config.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("litestream.log").toFile())).start();
  }

  private static void stop(Process p, boolean kill) throws InterruptedException {
    if (kill) {
      p.destroyForcibly();
    } else {
      p.destroy();
    }
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
    }
  }

  /** The files under {@code tree} (hidden ones included), relative to it. */
  private static List<Path> files(Path tree) throws IOException {
    if (!Files.exists(tree)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(tree)) {
      return s.filter(Files::isRegularFile).map(tree::relativize).toList();
    } catch (java.io.UncheckedIOException raced) {
      return List.of();
    }
  }

  private static boolean has(Path tree, String suffix) throws IOException {
    return files(tree).stream().anyMatch(p -> p.toString().endsWith(suffix));
  }

  private static void await(String what, Check check) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!check.ok()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(20);
    }
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static void restoreAndCheck(Path work, Path config, Path db, String expected) {
    Path restored = work.resolve("restored.db");
    Proc.run(WAIT, TestTools.litestream().toString(), "restore", "-config", config.toString(), "-o", restored.toString(), db.toString())
        .orThrow();
    assertEquals(expected, sqlite(restored, "SELECT name || '|' || color FROM fruits ORDER BY rowid;").stdout());
  }

  private static void deleteDatabase(Path db) throws IOException {
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      Files.deleteIfExists(Path.of(db + suffix));
    }
    Path meta = db.resolveSibling("." + db.getFileName() + "-litestream");
    if (Files.exists(meta)) {
      try (Stream<Path> s = Files.walk(meta)) {
        for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  private static void treeValidates(Path replicaRoot) throws IOException {
    ReplicaCheck.Report report = ReplicaCheck.check(new FileReplicaStore(replicaRoot));
    assertTrue(report.ok(), "the tree validates: " + report.problems());
    assertTrue(report.snapshots() >= 1 && report.segments() >= 1, report.toString());
  }

  @Test
  void replicatesFruitsAndRestoresThem() throws Exception {
    Path work = Files.createDirectories(dir.resolve("fruits"));
    Path db = work.resolve("fruits.db");
    sqlite(db, "CREATE TABLE fruits(name TEXT, color TEXT); INSERT INTO fruits VALUES ('appple', 'red'), ('banana', 'yellow');");
    Path config = config(work, db, "/db");
    Path tree = f.root.resolve("db/generations");
    Process ls = replicate(work, config);
    try {
      await("a snapshot and a WAL segment", () -> has(tree, ".snapshot.lz4") && has(tree, ".wal.lz4"));
    } finally {
      stop(ls, false);
    }
    deleteDatabase(db);
    restoreAndCheck(work, config, db, "appple|red\nbanana|yellow\n");
    treeValidates(f.root.resolve("db"));
  }

  @Test
  void aConnectionCutMidUploadNeverShowsATruncatedFile() throws Exception {
    Path work = Files.createDirectories(dir.resolve("cut"));
    Path db = work.resolve("fruits.db");
    sqlite(db, "CREATE TABLE fruits(name TEXT, color TEXT); INSERT INTO fruits VALUES ('appple', 'red'), ('banana', 'yellow');"
        + "CREATE TABLE filler(x); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1024)"
        + " INSERT INTO filler SELECT randomblob(65536) FROM c;");
    Path config = config(work, db, "/db/cut");
    Path replicaRoot = f.root.resolve("db/cut");
    Watcher watcher = new Watcher(replicaRoot);
    watcher.start();
    try {
      Process first = replicate(work, config);
      try {
        await("a snapshot upload in flight", () -> files(replicaRoot).stream().anyMatch(p -> {
          Path abs = replicaRoot.resolve(p);
          try {
            return p.getFileName().toString().startsWith(".replica-server-upload-") && Files.size(abs) > (8 << 20);
          } catch (IOException gone) {
            return false;
          }
        }));
      } finally {
        stop(first, true);
      }
      await("the cut upload to be discarded", () -> files(replicaRoot).stream()
          .noneMatch(p -> p.getFileName().toString().startsWith(".replica-server-upload-")));
      assertTrue(files(replicaRoot).stream().noneMatch(p -> p.toString().endsWith(".snapshot.lz4")),
          "the cut snapshot is not visible: " + files(replicaRoot));

      Process second = replicate(work, config);
      try {
        await("the snapshot after reconnecting", () -> has(replicaRoot, ".snapshot.lz4"));
      } finally {
        stop(second, false);
      }
    } finally {
      watcher.stop();
    }
    assertEquals(List.of(), watcher.violations,
        "every final name ever visible held a valid file; Litestream's log:\n" + Files.readString(work.resolve("litestream.log")));
    assertTrue(watcher.seen.size() >= 2, "the watcher saw the files: " + watcher.seen);
    deleteDatabase(db);
    restoreAndCheck(work, config, db, "appple|red\nbanana|yellow\n");
    treeValidates(replicaRoot);
  }

  /** Polls a replica tree and validates every snapshot or segment the moment its final name appears. */
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
      while (running.get()) {
        try {
          for (Path rel : files(root)) {
            PathClass pc = PathClassifier.classify(rel.toString().replace('\\', '/'));
            if ((pc instanceof PathClass.Snapshot || pc instanceof PathClass.WalSegment) && seen.add(rel + "@" + Files.size(root.resolve(rel)))) {
              check(rel, pc);
            }
          }
          Thread.sleep(2);
        } catch (IOException gone) {
          // a file removed between listing and reading (retention): not a violation
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
      } catch (java.nio.file.NoSuchFileException removed) {
        // retention removed it
      } catch (IOException e) {
        violations.add(rel + ": " + e.getMessage());
      }
    }
  }
}
