package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.testing.Sqlite;
import dev.walship.toolkit.time.Ticker;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How each change of the WAL is classified, without threads: capture driven step by step. */
class HistoryTest {
  @TempDir Path dir;
  private Path db;
  private Outbox out;
  private History history;
  private DatabaseFile file;
  private Connection app;
  private Connection writer;
  private final Generation g = Generation.parse("00000000000000ab");
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  @BeforeEach
  void setUp() throws Exception {
    db = dir.resolve("h.db");
    Harness.create(db, 5);
    app = Sqlite.openWal(db, 0);
    writer = Sqlite.openWal(db, 0);
    Sqlite.exec(app, "insert into t(x) values(randomblob(3000))");
    out = new Outbox(clock, Ticker.SYSTEM);
    MetaDir meta = new MetaDir(dir.resolve("meta"));
    history = new History(db, meta, clock, out);
    file = DatabaseFile.open(db);
    history.attach(file, 4096);
    meta.createGeneration(g);
    assertTrue(history.begin(g));
  }

  @AfterEach
  void tearDown() throws Exception {
    history.reset();
    file.close();
    app.close();
    writer.close();
  }

  @Test
  void aNewGenerationStartsWithTheCurrentWalCycleAsIndexZero() throws Exception {
    assertEquals(g, out.end().generation());
    assertEquals(0, out.end().index());
    assertEquals(Files.size(LiveWal.pathOf(db)), out.end().offset());
    assertFalse(history.capture(null), "nothing new");
    Sqlite.exec(app, "insert into t(x) values(1)");
    assertTrue(history.capture(null));
    assertEquals(Files.size(LiveWal.pathOf(db)), out.end().offset());
  }

  @Test
  void aRestartByCapturesOwnWriteIsTheNextIndex() throws Exception {
    OwnWrite expect = history.expectation();
    Sqlite.queryLong(app, "PRAGMA wal_checkpoint(PASSIVE)");
    long v = Sqlite.queryLong(writer, "PRAGMA user_version");
    Sqlite.exec(writer, "PRAGMA user_version=" + v);
    assertTrue(history.capture(expect));
    assertEquals(1, out.end().index());
    assertNotNull(history.shadow());
  }

  @Test
  void aRestartByAnyoneElseIsUnexplained() throws Exception {
    OwnWrite expect = history.expectation();
    Sqlite.queryLong(app, "PRAGMA wal_checkpoint(PASSIVE)");
    Sqlite.exec(app, "insert into t(x) values(2)");
    Discontinuity d = assertThrows(Discontinuity.class, () -> history.capture(expect));
    assertFalse(d.lost(), "the continuity proof decides");
    assertTrue(d.getMessage().contains("restarted without capture"), d.getMessage());
  }

  @Test
  void aShorterWalIsALoss() throws Exception {
    Sqlite.exec(app, "insert into t(x) values(randomblob(9000))");
    history.capture(null);
    try (FileChannel ch = FileChannel.open(LiveWal.pathOf(db), StandardOpenOption.WRITE)) {
      ch.truncate(out.end().offset() - 4120);
    }
    Discontinuity d = assertThrows(Discontinuity.class, () -> history.capture(null));
    assertTrue(d.lost());
    assertTrue(d.getMessage().contains("truncated"), d.getMessage());
  }

  @Test
  void theImageFollowsTheEndAndIsSavedWithItsPosition() throws Exception {
    Sqlite.exec(app, "insert into t(x) values(randomblob(9000))");
    history.capture(null);
    history.saveImage();
    PageImage.Saved saved = PageImage.load(new MetaDir(dir.resolve("meta")).imageFile(g));
    assertEquals(out.end().offset(), saved.head().offset());
    assertEquals(0, history.image().firstDifference(saved.image()));
  }

  @Test
  void aPublishedTailIsSyncedWithinTheSyncIntervalAndBeforeTheImageIsSaved() throws Exception {
    history.makeDurable();
    assertEquals(history.shadow().length(), history.shadow().synced());
    Sqlite.exec(app, "insert into t(x) values(randomblob(9000))");
    assertTrue(history.capture(null));
    long end = out.end().offset();
    assertTrue(history.shadow().synced() < end, "publishing does not wait for an fsync");
    clock.advance(History.SYNC_INTERVAL.minusMillis(1));
    Sqlite.exec(app, "insert into t(x) values(1)");
    assertTrue(history.capture(null));
    history.syncIfDue();
    assertTrue(history.shadow().synced() < out.end().offset(), "not yet due");
    clock.advance(Duration.ofMillis(1));
    history.syncIfDue();
    assertEquals(
        out.end().offset(),
        history.shadow().synced(),
        "due a second after the first unsynced publish");
    Sqlite.exec(app, "insert into t(x) values(2)");
    assertTrue(history.capture(null));
    history.saveImage();
    assertEquals(
        out.end().offset(),
        history.shadow().synced(),
        "the image never names an unsynced position");
  }
}
