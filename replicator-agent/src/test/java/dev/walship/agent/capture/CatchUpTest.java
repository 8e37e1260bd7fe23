package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import dev.walship.format.wal.WalReader;
import dev.walship.testing.Await;
import dev.walship.testing.Sqlite;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page-difference catch-up: capture stopped (cleanly or killed) while the application wrote,
 * checkpointed and restarted the WAL continues the same generation with one index that holds the
 * pages that changed; and every reason the history cannot be trusted still starts a new one. Where
 * the generation continues, the database is rebuilt from the state before index 0 plus every index,
 * and must equal the source.
 */
class CatchUpTest {
  private static final Pattern CARRIES = Pattern.compile("index (\\d+) carries the (\\d+) page");

  @TempDir Path dir;
  private Path db;
  private Path initial;

  @BeforeEach
  void setUp() throws Exception {
    db = dir.resolve("u.db");
    try (Connection c = Sqlite.openWal(db, 1000)) {
      Sqlite.exec(c, "create table t(id integer primary key, x)");
      Harness.insertPages(c, 600);
    }
    initial = dir.resolve("initial.db");
    Files.copy(db, initial);
  }

  /**
   * The database file after the application's TRUNCATE checkpoint is the whole new state: the
   * catch-up index holds exactly the pages in which it differs from the state capture stopped at
   * (found here by comparing the two files), and nothing else.
   */
  @Test
  void theCatchUpIndexHoldsExactlyThePagesThatChanged() throws Exception {
    Generation g = captureSome(1);
    try (Connection app = Sqlite.openWal(db, 1000)) {
      Sqlite.exec(app, "PRAGMA wal_checkpoint(TRUNCATE)");
      Path before = copy("before.db");
      Random r = new Random(3);
      for (int tx = 0; tx < 6; tx++) {
        Sqlite.exec(app, "BEGIN");
        for (int i = 0; i < 5; i++) {
          Sqlite.exec(app, "update t set x = randomblob(3000) where id = " + (1 + r.nextInt(600)));
        }
        Sqlite.exec(app, "COMMIT");
      }
      Sqlite.exec(app, "PRAGMA wal_checkpoint(TRUNCATE)");
      TreeSet<Integer> changed = differingPages(before, copy("after.db"));
      try (DatabaseCapture cap = pinned(2)) {
        Matcher m = caughtUp(cap, g);
        Path index = new MetaDir(cap.metaDir()).shadowWal(g, Integer.parseInt(m.group(1)));
        assertEquals(changed, framePages(index), "the catch-up index's pages");
        assertEquals(changed.size(), Integer.parseInt(m.group(2)));
        assertTrue(changed.size() < 60, "a few dozen of 600 pages changed: " + changed.size());
      }
    }
    assertRebuilds(g);
  }

  /**
   * The application keeps its default autocheckpoint: while capture is killed its WAL restarts
   * several times, and the live WAL ends mid-cycle. The generation continues and every state
   * captured afterwards rebuilds exactly.
   */
  @Test
  void aKilledCaptureIsCaughtUpWhileTheApplicationsWalIsMidCycle() throws Exception {
    Generation g;
    try (Connection app = Sqlite.openWal(db, 1000)) {
      try (ChildCapture child = new ChildCapture(db, 4)) {
        Await.until(Duration.ofSeconds(30), "the child to capture", () -> child.end() != null);
        updates(app, 20, 5);
        child.awaitCaughtUp();
        g = child.end().generation();
        child.kill();
      }
      updates(app, 400, 7); // ~2400 frames: the WAL restarts twice, then ends mid-cycle
      try (DatabaseCapture cap = pinned(5)) {
        Harness.awaitCaughtUp(cap);
        assertEquals(g, cap.end().generation(), cap.status().detail());
        assertTrue(cap.status().detail().contains("caught up"), cap.status().detail());
        updates(app, 30, 8);
        Harness.awaitCaughtUp(cap);
      }
    }
    assertRebuilds(g);
  }

  /**
   * A page of the database file changed outside SQLite (here: a byte in a leaf page's free space)
   * while capture was stopped and the WAL kept its cycle: the catch-up carries that one page, and
   * capture goes on with the same WAL cycle.
   */
  @Test
  void aPageChangedOutsideSqliteInTheSameWalCycleIsCaughtUp() throws Exception {
    Generation g;
    try (Connection app = Sqlite.openWal(db, 0)) {
      try (DatabaseCapture cap = pinned(1)) {
        updates(app, 5, 1);
        Harness.awaitCaughtUp(cap);
        g = cap.end().generation();
      }
      int leaf = 300;
      try (FileChannel ch =
          FileChannel.open(db, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        ByteBuffer page = ByteBuffer.allocate(4096);
        ch.read(page, (leaf - 1) * 4096L);
        assertEquals(0x0d, page.get(0), "a table leaf page");
        int freeStart = 8 + 2 * (page.getShort(3) & 0xffff);
        int contentStart = page.getShort(5) & 0xffff;
        assertTrue(contentStart - freeStart > 8, "free space in the page");
        ch.write(ByteBuffer.wrap(new byte[] {0x77}), (leaf - 1) * 4096L + freeStart + 4);
      }
      try (DatabaseCapture cap = pinned(2)) {
        Matcher m = caughtUp(cap, g);
        Path index = new MetaDir(cap.metaDir()).shadowWal(g, Integer.parseInt(m.group(1)));
        assertEquals(new TreeSet<>(java.util.List.of(leaf)), framePages(index));
        updates(app, 5, 2);
        Harness.awaitCaughtUp(cap);
      }
    }
    assertRebuilds(g);
  }

  // ---- the reasons that still start a new generation

  @Test
  void aMetaDirectoryLostWhileStoppedStartsANewGeneration() throws Exception {
    Generation g = captureSome(1);
    writeBehind();
    deleteTree(CaptureSettings.DEFAULTS.metaDirFor(db));
    assertNewGeneration(g, "no capture state");
  }

  @Test
  void aDamagedPageImageStartsANewGeneration() throws Exception {
    Generation g = captureSome(1);
    writeBehind();
    Path image = new MetaDir(CaptureSettings.DEFAULTS.metaDirFor(db)).imageFile(g);
    try (FileChannel ch = FileChannel.open(image, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {0x5a}), 100);
    }
    assertNewGeneration(g, "page image of generation " + g + " is unusable");
  }

  @Test
  void aChangedPageSizeStartsANewGeneration() throws Exception {
    Generation g = captureSome(1);
    try (Connection app = Sqlite.openWal(db, 0)) {
      Sqlite.exec(
          app,
          "PRAGMA journal_mode=DELETE",
          "PRAGMA page_size=8192",
          "VACUUM",
          "PRAGMA journal_mode=WAL");
      assertEquals(8192, Sqlite.queryLong(app, "PRAGMA page_size"));
    }
    assertNewGeneration(g, "page size");
  }

  /** Another database written over the file in place (same inode): its header is not ours. */
  @Test
  void anotherDatabaseCopiedOverTheFileInPlaceStartsANewGeneration() throws Exception {
    Generation g = captureSome(1);
    Path other = dir.resolve("other.db");
    try (Connection c = Sqlite.openWal(other, 0)) {
      Sqlite.exec(
          c,
          "PRAGMA application_id=77",
          "create table t(id integer primary key, x)",
          "insert into t(x) values('other')",
          "PRAGMA journal_mode=DELETE");
    }
    Object inode = DatabaseFile.fileKey(db);
    try (FileChannel ch =
        FileChannel.open(db, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(ByteBuffer.wrap(Files.readAllBytes(other)));
    }
    Files.deleteIfExists(LiveWal.pathOf(db));
    Files.deleteIfExists(WalIndex.pathOf(db));
    assertEquals(inode, DatabaseFile.fileKey(db), "the same file");
    assertNewGeneration(g, "replaced by another database");
  }

  @Test
  void aPageImageMissingAPageStartsANewGeneration() throws Exception {
    Generation g = captureSome(1);
    writeBehind();
    MetaDir meta = new MetaDir(CaptureSettings.DEFAULTS.metaDirFor(db));
    PageImage.Saved saved = PageImage.load(meta.imageFile(g));
    saved.image().set(7, PageImage.UNKNOWN);
    saved.image().save(meta.imageFile(g), saved.head());
    assertNewGeneration(g, "misses page 7");
  }

  // ---- helpers

  /** Waits until {@code cap} caught up in generation {@code g}; its status says which index. */
  private static Matcher caughtUp(DatabaseCapture cap, Generation g) {
    Harness.awaitCaughtUp(cap);
    assertEquals(g, cap.end().generation(), cap.status().detail());
    Matcher m = CARRIES.matcher(cap.status().detail());
    assertTrue(m.find(), cap.status().detail());
    return m;
  }

  /** Runs a pinned capture while the application writes a little; returns its generation. */
  private Generation captureSome(long seed) throws Exception {
    try (Connection app = Sqlite.openWal(db, 1000);
        DatabaseCapture cap = pinned(seed)) {
      updates(app, 10, seed);
      Harness.awaitCaughtUp(cap);
      return cap.end().generation();
    }
  }

  /** The application writes while capture is stopped and restarts the WAL. */
  private void writeBehind() throws Exception {
    try (Connection app = Sqlite.openWal(db, 1000)) {
      updates(app, 10, 99);
      Sqlite.exec(app, "PRAGMA wal_checkpoint(TRUNCATE)");
      updates(app, 3, 98);
    }
  }

  private void assertNewGeneration(Generation old, String reason) throws Exception {
    try (DatabaseCapture cap = Harness.start(db, CaptureSettings.DEFAULTS, 9)) {
      Harness.awaitCapturing(cap);
      assertNotEquals(old, cap.end().generation(), cap.status().detail());
      assertTrue(
          cap.status().detail().contains("started") && cap.status().detail().contains(reason),
          cap.status().detail());
    }
  }

  /** {@code n} transactions that each update 3 random rows. */
  private static void updates(Connection app, int n, long seed) throws Exception {
    Random r = new Random(seed);
    for (int tx = 0; tx < n; tx++) {
      Sqlite.exec(app, "BEGIN");
      for (int i = 0; i < 3; i++) {
        Sqlite.exec(
            app,
            "update t set x = randomblob("
                + (100 + r.nextInt(3500))
                + ") where id = "
                + (1 + r.nextInt(600)));
      }
      Sqlite.exec(app, "COMMIT");
    }
  }

  private DatabaseCapture pinned(long seed) throws Exception {
    DatabaseCapture cap = Harness.start(db, CaptureSettings.DEFAULTS, seed);
    Harness.awaitCapturing(cap);
    cap.shipped("pin", new Position(cap.end().generation(), 0, 0));
    return cap;
  }

  private Path copy(String name) throws Exception {
    Path p = dir.resolve(name);
    Files.copy(db, p);
    return p;
  }

  private static TreeSet<Integer> differingPages(Path a, Path b) throws Exception {
    byte[] x = Files.readAllBytes(a);
    byte[] y = Files.readAllBytes(b);
    TreeSet<Integer> out = new TreeSet<>();
    for (int p = 0; p * 4096 < Math.max(x.length, y.length); p++) {
      int from = p * 4096;
      if (from + 4096 > x.length
          || from + 4096 > y.length
          || !Arrays.equals(x, from, from + 4096, y, from, from + 4096)) {
        out.add(p + 1);
      }
    }
    return out;
  }

  private static TreeSet<Integer> framePages(Path index) throws Exception {
    WalReader r = WalReader.open(new ByteArrayInputStream(Files.readAllBytes(index)));
    TreeSet<Integer> pages = new TreeSet<>();
    int frames = 0;
    while (r.next()) {
      pages.add(r.frameHeader().pageNumber());
      frames++;
    }
    assertEquals(pages.size(), frames, "one frame per page");
    return pages;
  }

  private static void deleteTree(Path root) throws Exception {
    try (var s = Files.walk(root)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private void assertRebuilds(Generation g) throws Exception {
    Path out = dir.resolve("rebuilt.db");
    Harness.rebuild(initial, CaptureSettings.DEFAULTS.metaDirFor(db), g, out);
    Harness.assertSameDatabase(db, out);
  }
}
