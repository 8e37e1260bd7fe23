package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.format.wal.WalHeader;
import dev.walship.testing.Sqlite;
import dev.walship.toolkit.time.Ticker;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Capture's read mark against an application on the same file: the real classes throughout. */
class ReadMarkTest {
  @TempDir Path dir;
  private Path db;
  private Connection app;
  private Connection checkpointer;
  private Sql sql;
  private DatabaseFile file;
  private WalIndex walIndex;
  private History history;
  private ReadMark mark;
  private LockSteps steps;

  @BeforeEach
  void setUp() throws Exception {
    db = dir.resolve("m.db");
    Harness.create(db, 10);
    app = Sqlite.openWal(db, 0);
    checkpointer = Sqlite.openWal(db, 0);
    sql = Sql.open(db, Duration.ofSeconds(1), Ticker.SYSTEM);
    file = DatabaseFile.open(db);
    walIndex = WalIndex.open(db);
    MetaDir meta = new MetaDir(dir.resolve("meta"));
    Generation g = Generation.parse("00000000000000ab");
    history =
        new History(db, meta, Clock.systemUTC(), new Outbox(Clock.systemUTC(), Ticker.SYSTEM));
    history.attach(file, sql.pageSize());
    meta.createGeneration(g);
    assertTrue(history.begin(g));
    mark =
        new ReadMark(
            sql, history, walIndex, new MarkLag(1, Duration.ofSeconds(1)), System::nanoTime);
    steps = new LockSteps(sql, history, mark, Duration.ofSeconds(1));
    mark.begin();
    assertTrue(steps.anchor());
  }

  @AfterEach
  void tearDown() throws Exception {
    history.reset();
    sql.close();
    walIndex.close();
    file.close();
    app.close();
    checkpointer.close();
  }

  /**
   * The root cause of WAL restarts behind capture's back while it ran: a handoff at a moment when
   * every frame is in the database file gives the new reader read-lock 0, which protects nothing;
   * had the old reader ended, the application's next write would restart the WAL. The old reader
   * holds a slot at the WAL's end, so it stays, and the write appends.
   */
  @Test
  void aHandoffWhenEveryFrameIsCheckpointedKeepsTheReaderThatHoldsASlot() throws Exception {
    Sqlite.exec(app, "insert into t(x) values(randomblob(3000))");
    mark.handoff(null);
    assertEquals(0, mark.kept(), "frames were not checkpointed: the new reader holds a slot");
    long[] ck = checkpoint();
    assertEquals(ck[1], ck[2], "capture's mark is at the end: the checkpoint copies everything");
    assertTrue(walIndex.read().fullyCheckpointed());

    mark.handoff(null);

    WalHeader before = Harness.walHeader(db);
    int index = history.end().index();
    Sqlite.exec(app, "insert into t(x) values(randomblob(3000))");
    assertTrue(
        Harness.walHeader(db).sameSalts(before),
        "the application's write appended: nobody but capture restarts the WAL");
    assertTrue(history.capture(null));
    assertEquals(index, history.end().index(), "copied into the same index");
    assertEquals(1, mark.kept(), "the new reader may have held read-lock 0: the old one stayed");
  }

  /** Handoffs still let the application's checkpoints copy up to capture's latest position. */
  @Test
  void aHandoffLetsCheckpointsCopyUpToTheCapturedEnd() throws Exception {
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 5; i++) {
        Sqlite.exec(app, "insert into t(x) values(randomblob(3000))");
      }
      mark.handoff(null);
      long[] ck = checkpoint();
      assertEquals(0, ck[0]);
      assertEquals(ck[1], ck[2], "round " + round + ": everything up to the new mark is copied");
    }
    assertEquals(0, mark.kept());
  }

  /** Under the write lock, renew moves the reader to the WAL's end and reports the wal-index. */
  @Test
  void renewUnderTheWriteLockReportsTheWalIndexAtTheEnd() throws Exception {
    for (int i = 0; i < 4; i++) {
      Sqlite.exec(app, "insert into t(x) values(randomblob(3000))");
    }
    assertTrue(sql.beginImmediate(sql.writer1(), Duration.ofSeconds(1)));
    WalIndex.State s;
    try {
      s = mark.renew();
    } finally {
      sql.rollbackQuietly(sql.writer1());
    }
    assertEquals(Harness.walHeader(db).salt1(), s.salt1());
    assertEquals(checkpoint()[1], s.mxFrame());
    assertEquals(Sqlite.queryLong(app, "PRAGMA page_count"), mark.pageCount());
  }

  /** {@code PRAGMA wal_checkpoint(PASSIVE)} on another connection: busy, log, checkpointed. */
  private long[] checkpoint() throws Exception {
    try (var s = checkpointer.createStatement();
        var r = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
      r.next();
      return new long[] {r.getLong(1), r.getLong(2), r.getLong(3)};
    }
  }
}
