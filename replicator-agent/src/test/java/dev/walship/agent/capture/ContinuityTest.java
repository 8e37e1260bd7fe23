package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import dev.walship.testing.Await;
import dev.walship.testing.Sqlite;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.time.Duration;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the history continues and when a new generation starts: restarts of capture (clean and
 * SIGKILL) and of the application, with and without writes meanwhile, and every way the WAL or the
 * database can change behind capture's back. Where the generation continues, the database is
 * rebuilt from the state before index 0 plus every index, and must equal the source.
 */
class ContinuityTest {
  @TempDir Path dir;
  private Path db;
  private Path initial;

  @BeforeEach
  void setUp() throws Exception {
    db = dir.resolve("c.db");
    Harness.create(db, 20);
    initial = dir.resolve("initial.db");
    Files.copy(db, initial);
  }

  // ---- restarts that must continue the generation

  @Test
  void aCleanRestartOfCaptureContinuesTheGeneration() throws Exception {
    Generation g;
    try (Connection app = Sqlite.openWal(db, 1000)) {
      try (DatabaseCapture cap = pinned(1)) {
        write(app, 30);
        Harness.awaitCaughtUp(cap);
        g = cap.end().generation();
      }
      try (DatabaseCapture cap = pinned(2)) {
        Harness.awaitCapturing(cap);
        assertEquals(g, cap.end().generation());
        assertTrue(cap.status().detail().contains("continued"), cap.status().detail());
        write(app, 10);
        Harness.awaitCaughtUp(cap);
      }
    }
    assertRebuilds(g);
  }

  @Test
  void theApplicationWritingWhileCaptureIsDownContinuesTheGeneration() throws Exception {
    Generation g;
    try (Connection app = Sqlite.openWal(db, 1000)) {
      try (DatabaseCapture cap = pinned(1)) {
        write(app, 30);
        Harness.awaitCaughtUp(cap);
        g = cap.end().generation();
      }
      write(app, 40);
      try (DatabaseCapture cap = pinned(2)) {
        Harness.awaitCaughtUp(cap);
        assertEquals(g, cap.end().generation());
      }
    }
    assertRebuilds(g);
  }

  @Test
  void theApplicationRestartingWhileCaptureIsDownContinuesTheGeneration() throws Exception {
    Generation g;
    try (Connection app = Sqlite.openWal(db, 1000)) {
      try (DatabaseCapture cap = pinned(1)) {
        write(app, 30);
        Harness.awaitCaughtUp(cap);
        g = cap.end().generation();
      }
    }
    assertTrue(Files.notExists(LiveWal.pathOf(db)), "the last connection deleted the WAL");
    try (DatabaseCapture cap = pinned(2)) {
      Harness.awaitCaughtUp(cap);
      assertEquals(g, cap.end().generation(), "no writes while down");
    }
    try (Connection app = Sqlite.openWal(db, 0)) {
      write(app, 25);
      try (DatabaseCapture cap = pinned(3)) {
        Harness.awaitCaughtUp(cap);
        assertEquals(g, cap.end().generation(), "a new WAL after the application's restart");
        write(app, 5);
        Harness.awaitCaughtUp(cap);
      }
    }
    assertRebuilds(g);
  }

  @Test
  void sigkillAtAnyMomentThenRestartContinuesTheGeneration() throws Exception {
    Random r = new Random(5);
    Generation g = null;
    // While capture is down the application writes without SQLite's autocheckpoint: with it, a
    // checkpoint and WAL restart behind capture's back would (correctly) start a new generation,
    // which is the next test's case.
    try (Connection app = Sqlite.openWal(db, 1000);
        Connection down = Sqlite.openWal(db, 0)) {
      for (int round = 0; round < 3; round++) {
        try (ChildCapture child = new ChildCapture(db, round)) {
          Await.until(Duration.ofSeconds(30), "the child to capture", () -> child.end() != null);
          child.awaitCaughtUp();
          g = g == null ? child.end().generation() : g;
          assertEquals(g, child.end().generation(), "round " + round + ":\n" + child.output());
          long stopAt = System.nanoTime() + Duration.ofMillis(300 + r.nextInt(700)).toNanos();
          while (System.nanoTime() < stopAt) {
            write(app, 1 + r.nextInt(3));
          }
          child.kill();
        }
        write(down, 10 + r.nextInt(20));
      }
      try (DatabaseCapture cap = pinned(9)) {
        Harness.awaitCaughtUp(cap);
        assertEquals(g, cap.end().generation());
      }
    }
    assertRebuilds(g);
  }

  /**
   * While capture is killed the application writes, checkpoints and restarts the WAL: the database
   * no longer continues the captured history, but the history is intact, so a catch-up carries the
   * generation on (it started a new one before the catch-up existed).
   */
  @Test
  void theApplicationRestartingTheWalWhileCaptureIsKilledIsCaughtUpInTheSameGeneration()
      throws Exception {
    Generation g;
    try (Connection app = Sqlite.openWal(db, 0)) {
      try (ChildCapture child = new ChildCapture(db, 1)) {
        Await.until(Duration.ofSeconds(30), "the child to capture", () -> child.end() != null);
        write(app, 20);
        child.awaitCaughtUp();
        g = child.end().generation();
        child.kill();
      }
      write(app, 20);
      assertEquals(0, Sqlite.queryLong(app, "PRAGMA wal_checkpoint(PASSIVE)"));
      write(app, 5);
      try (DatabaseCapture cap = Harness.start(db, CaptureSettings.DEFAULTS, 3)) {
        Harness.awaitCaughtUp(cap);
        assertEquals(g, cap.end().generation());
        assertTrue(cap.status().detail().contains("caught up"), cap.status().detail());
        write(app, 5);
        Harness.awaitCaughtUp(cap);
      }
    }
    assertRebuilds(g);
  }

  // ---- what must start a new generation

  @Test
  void aWalTruncatedBehindCapturesBackStartsANewGeneration() throws Exception {
    try (DatabaseCapture cap = Harness.start(db, CaptureSettings.DEFAULTS, 1)) {
      Generation g = writeAndCapture(cap, 30);
      try (FileChannel ch = FileChannel.open(LiveWal.pathOf(db), StandardOpenOption.WRITE)) {
        ch.truncate(32 + 4120L);
      }
      awaitNewGeneration(cap, g, "truncated");
    }
  }

  @Test
  void aWalOverwrittenBehindCapturesBackStartsANewGeneration() throws Exception {
    try (DatabaseCapture cap = Harness.start(db, CaptureSettings.DEFAULTS, 1)) {
      Generation g = writeAndCapture(cap, 30);
      Position e = cap.end();
      try (FileChannel ch = FileChannel.open(LiveWal.pathOf(db), StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), e.offset() - 1000);
      }
      awaitNewGeneration(cap, g, "overwritten");
    }
  }

  @Test
  void aDatabaseFileReplacedWhileCaptureRunsStartsANewGeneration() throws Exception {
    Path big = dir.resolve("big.db");
    Harness.create(big, 3000);
    db = big;
    try (DatabaseCapture cap = Harness.start(db, CaptureSettings.DEFAULTS, 1)) {
      Generation g = writeAndCapture(cap, 3);
      replaceByVacuumInto();
      awaitNewGeneration(cap, g, "database file");
    }
  }

  @Test
  void aDatabaseFileReplacedWhileEverythingWasStoppedStartsANewGeneration() throws Exception {
    Generation g;
    try (DatabaseCapture cap = Harness.start(db, CaptureSettings.DEFAULTS, 1)) {
      g = writeAndCapture(cap, 30);
    }
    replaceByVacuumInto();
    try (DatabaseCapture cap = Harness.start(db, CaptureSettings.DEFAULTS, 2)) {
      awaitNewGeneration(cap, g, "database file");
    }
  }

  /** A restore-like replacement: {@code VACUUM INTO} a copy with other content, moved over. */
  private void replaceByVacuumInto() throws Exception {
    Path copy = dir.resolve("copy.db");
    try (Connection c = Sqlite.openWal(db, 0)) {
      Sqlite.exec(c, "VACUUM INTO '" + copy + "'");
    }
    try (Connection c = Sqlite.openWal(copy, 0)) {
      Sqlite.exec(c, "delete from t where id % 2 = 0");
    }
    Files.move(copy, db, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void aLostMetaDirectoryStartsANewGeneration() throws Exception {
    try (DatabaseCapture cap = Harness.start(db, CaptureSettings.DEFAULTS, 1)) {
      Generation g = writeAndCapture(cap, 30);
      try (Stream<Path> s = Files.walk(cap.metaDir())) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      try (Connection app = Sqlite.openWal(db, 0)) {
        write(app, 1);
      }
      awaitNewGeneration(cap, g, "meta directory");
    }
  }

  // ---- helpers

  /** Capture that pins index 0 of its generation (every index stays on disk for the rebuild). */
  private DatabaseCapture pinned(long seed) throws Exception {
    DatabaseCapture cap = Harness.start(db, CaptureSettings.DEFAULTS, seed);
    Harness.awaitCapturing(cap);
    cap.shipped("pin", new Position(cap.end().generation(), 0, 0));
    return cap;
  }

  private Generation writeAndCapture(DatabaseCapture cap, int rows) throws Exception {
    Harness.awaitCapturing(cap);
    try (Connection app = Sqlite.openWal(db, 0)) {
      write(app, rows);
    }
    Harness.awaitCaughtUp(cap);
    return cap.end().generation();
  }

  private static void awaitNewGeneration(DatabaseCapture cap, Generation old, String reason) {
    Await.until(
        Duration.ofSeconds(20),
        "a new generation because of '" + reason + "'; status " + cap.status(),
        () ->
            cap.end() != null
                && !cap.end().generation().equals(old)
                && cap.status().detail().contains(reason));
  }

  private static void write(Connection app, int rows) throws Exception {
    for (int i = 0; i < rows; i++) {
      Sqlite.exec(app, "insert into t(x) values(randomblob(" + (100 + i * 37 % 5000) + "))");
    }
  }

  private void assertRebuilds(Generation g) throws Exception {
    Path out = dir.resolve("rebuilt.db");
    Harness.rebuild(initial, CaptureSettings.DEFAULTS.metaDirFor(db), g, out);
    Harness.assertSameDatabase(db, out);
  }
}
