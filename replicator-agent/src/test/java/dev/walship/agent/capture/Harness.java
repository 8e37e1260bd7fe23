package dev.walship.agent.capture;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import dev.walship.format.wal.WalHeader;
import dev.walship.format.wal.WalReader;
import dev.walship.format.wal.WalScan;
import dev.walship.testing.Await;
import dev.walship.testing.Sqlite;
import dev.walship.toolkit.time.Ticker;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.TreeMap;

/** Test helper: real databases, capture instances, and waiting for capture to catch up. */
final class Harness {
  private Harness() {}

  static DatabaseCapture start(Path db, CaptureSettings settings, long seed) throws IOException {
    DatabaseCapture cap =
        DatabaseCapture.open(db, settings, Clock.systemUTC(), Ticker.SYSTEM, new Random(seed));
    cap.start();
    return cap;
  }

  static void awaitCapturing(DatabaseCapture cap) {
    Await.until(
        Duration.ofSeconds(20),
        "capture to run: " + cap.status(),
        () -> cap.status().state() == CaptureStatus.State.CAPTURING && cap.end() != null);
  }

  /** Waits until everything committed in the live WAL is in the shadow. */
  static void awaitCaughtUp(DatabaseCapture cap) {
    Await.until(
        Duration.ofSeconds(30), "capture to copy the WAL: " + cap.status(), () -> caughtUp(cap));
  }

  static boolean caughtUp(DatabaseCapture cap) throws IOException {
    Position e = cap.end();
    if (e == null || cap.status().state() != CaptureStatus.State.CAPTURING) {
      return false;
    }
    byte[] wal = readWal(cap.database());
    if (wal.length < WalHeader.SIZE) {
      return true;
    }
    WalScan live = WalReader.scan(new ByteArrayInputStream(wal));
    Path shadow = new MetaDir(cap.metaDir()).shadowWal(e.generation(), e.index());
    if (!Files.exists(shadow)) {
      return live.lastCommitFrame() == 0;
    }
    byte[] h = Arrays.copyOf(Files.readAllBytes(shadow), WalHeader.SIZE);
    return WalHeader.parse(h, 0).sameSalts(live.header()) && live.committedEnd() == e.offset();
  }

  static byte[] readWal(Path db) throws IOException {
    Path wal = LiveWal.pathOf(db);
    return Files.exists(wal) ? Files.readAllBytes(wal) : new byte[0];
  }

  static WalHeader walHeader(Path db) throws IOException {
    return LiveWal.header(LiveWal.pathOf(db));
  }

  /** Creates {@code db} with {@code create table t(x)} and some rows, all connections closed. */
  static void create(Path db, int rows) throws Exception {
    try (Connection c = Sqlite.openWal(db, 1000)) {
      Sqlite.exec(c, "create table t(id integer primary key, x)");
      for (int i = 0; i < rows; i++) {
        Sqlite.exec(c, "insert into t(x) values(randomblob(500))");
      }
    }
  }

  /** One transaction of about {@code pages} pages of new rows. */
  static void insertPages(Connection c, int pages) throws Exception {
    Sqlite.exec(
        c,
        "with recursive n(i) as (select 1 union all select i+1 from n where i < "
            + pages
            + ") insert into t(x) select randomblob(3000) from n");
  }

  /**
   * Rebuilds generation {@code g} from the database as it was before its first index ({@code
   * initial}) and every shadow index file still in {@code metaDir}, which must start at index 0.
   */
  static void rebuild(Path initial, Path metaDir, Generation g, Path out) throws IOException {
    Files.copy(initial, out, StandardCopyOption.REPLACE_EXISTING);
    TreeMap<Integer, Path> files = new MetaDir(metaDir).shadowIndices(g);
    if (files.isEmpty() || files.firstKey() != 0 || files.lastKey() != files.size() - 1) {
      throw new AssertionError("indices of " + g + " are not 0..n: " + files.keySet());
    }
    try (RandomAccessFile f = new RandomAccessFile(out.toFile(), "rw")) {
      for (Path p : files.values()) {
        Follower.apply(Files.readAllBytes(p), f);
      }
    }
  }

  /** SQLite's {@code .dump} and integrity check of {@code out} match {@code source}. */
  static void assertSameDatabase(Path source, Path out) {
    String want = Sqlite.dump(source);
    String got = Sqlite.dump(out);
    if (!want.equals(got)) {
      throw new AssertionError(
          "rebuilt database differs from the source ("
              + want.length()
              + " vs "
              + got.length()
              + " chars of dump)");
    }
    String check = Sqlite.cli(out, "PRAGMA integrity_check").strip();
    if (!check.equals("ok")) {
      throw new AssertionError("integrity_check of the rebuilt database: " + check);
    }
  }
}
