package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.wal.FrameHeader;
import dev.walship.format.wal.WalHeader;
import dev.walship.format.wal.WalReader;
import dev.walship.format.wal.WalScan;
import dev.walship.testing.Sqlite;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite behaviours capture relies on (docs/design.md §3), each checked against the SQLite that
 * sqlite-jdbc ships. If one of these fails after an upgrade, the capture design must be revisited
 * before anything else.
 */
class SqliteWalBehaviourTest {
  @TempDir Path dir;
  private Path db;
  private final List<Connection> open = new ArrayList<>();
  private Connection app;
  private Connection reader;
  private Connection checkpointer;

  @BeforeEach
  void setUp() throws Exception {
    db = dir.resolve("b.db");
    app = connect();
    reader = connect();
    checkpointer = connect();
    Sqlite.exec(app, "create table t(x)");
    for (int i = 0; i < 5; i++) {
      Sqlite.exec(app, "insert into t values(randomblob(3000))");
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Connection c : open) {
      c.close();
    }
  }

  @Test
  void readerBegunWithFramesNotCheckpointedBlocksTheRestartEvenAfterAFullCheckpoint()
      throws Exception {
    WalHeader before = header();
    beginRead(reader);
    long[] ck = checkpoint();
    assertEquals(ck[1], ck[2], "the checkpoint copies everything up to the reader's mark");
    Sqlite.exec(app, "insert into t values(1)");
    assertTrue(header().sameSalts(before), "the write appended instead of restarting the WAL");
    assertEquals(ck[1] + 1, scan().lastCommitFrame());
  }

  @Test
  void readerBegunAfterAFullCheckpointDoesNotBlockTheRestart() throws Exception {
    WalHeader before = header();
    long[] ck = checkpoint();
    assertEquals(ck[1], ck[2]);
    beginRead(reader);
    Sqlite.exec(app, "insert into t values(1)");
    WalHeader after = header();
    assertFalse(after.sameSalts(before), "the WAL restarted");
    assertEquals(1, scan().lastCommitFrame());
  }

  @Test
  void aRestartAddsOneToSaltOneAndDrawsANewSaltTwo() throws Exception {
    for (int i = 0; i < 3; i++) {
      WalHeader before = header();
      checkpoint();
      Sqlite.exec(app, "insert into t values(" + i + ")");
      WalHeader after = header();
      assertEquals(before.salt1() + 1, after.salt1());
      assertNotEquals(before.salt2(), after.salt2());
    }
  }

  @Test
  void aWriteBegunBeforeTheFullCheckpointDoesNotRestartTheWalOneBegunAfterItDoesAtCommit()
      throws Exception {
    Connection writer = connect();
    WalHeader before = header();
    Sqlite.exec(writer, "BEGIN IMMEDIATE");
    long[] ck = checkpoint();
    assertEquals(ck[1], ck[2], "a PASSIVE checkpoint runs while another connection writes");
    Sqlite.exec(writer, "insert into t values(1)");
    Sqlite.exec(writer, "COMMIT");
    assertTrue(header().sameSalts(before), "begun before the checkpoint: appended");

    ck = checkpoint();
    assertEquals(ck[1], ck[2]);
    Sqlite.exec(writer, "BEGIN");
    Sqlite.queryLong(writer, "select count(*) from t");
    Sqlite.exec(writer, "insert into t values(2)");
    assertTrue(header().sameSalts(before), "nothing is written to the WAL before the commit");
    Sqlite.exec(writer, "COMMIT");
    assertFalse(header().sameSalts(before), "begun after the checkpoint: restarted at commit");
  }

  @Test
  void theWriteLockIsTakenAtTheFirstWriteStatementNotAtCommit() throws Exception {
    Connection writer = connect();
    Connection other = connect();
    Sqlite.exec(other, "PRAGMA busy_timeout=0");
    Sqlite.exec(writer, "BEGIN");
    long v = Sqlite.queryLong(writer, "PRAGMA user_version");
    Sqlite.exec(writer, "PRAGMA user_version=" + v);
    SQLException e = assertThrows(SQLException.class, () -> Sqlite.exec(other, "BEGIN IMMEDIATE"));
    assertTrue(e.getMessage().contains("SQLITE_BUSY"), e.getMessage());
    Sqlite.exec(writer, "COMMIT");
  }

  @Test
  void theNoOpUserVersionWriteAddsOnePage1CommitFrameWithTheChangeCounterPlusOne()
      throws Exception {
    Connection writer = connect();
    Sqlite.exec(app, "PRAGMA user_version=7");
    String schema = Sqlite.queryString(app, "select group_concat(name) from sqlite_schema");
    WalScan before = scan();
    long pages = Sqlite.queryLong(app, "PRAGMA page_count");
    int counter = ByteBuffer.wrap(lastPage(1)).getInt(24);

    Sqlite.exec(writer, "BEGIN");
    long v = Sqlite.queryLong(writer, "PRAGMA user_version");
    Sqlite.exec(writer, "PRAGMA user_version=" + v);
    Sqlite.exec(writer, "COMMIT");

    WalScan after = scan();
    assertEquals(before.lastCommitFrame() + 1, after.lastCommitFrame(), "exactly one frame");
    byte[] wal = Files.readAllBytes(wal());
    int frameOff = (int) after.header().frameOffset(after.lastCommitFrame());
    FrameHeader f = FrameHeader.parse(wal, frameOff);
    assertEquals(1, f.pageNumber());
    assertEquals(pages, f.commitSize());
    ByteBuffer page = ByteBuffer.wrap(wal, frameOff + 24, after.header().pageSize()).slice();
    assertEquals(counter + 1, page.getInt(24), "file change counter");
    assertEquals(counter + 1, page.getInt(92), "version-valid-for");
    assertEquals(7, Sqlite.queryLong(app, "PRAGMA user_version"));
    assertEquals(schema, Sqlite.queryString(app, "select group_concat(name) from sqlite_schema"));
  }

  @Test
  void aCommitNeedNotWritePage1() throws Exception {
    for (int i = 0; i < 20; i++) {
      Sqlite.exec(app, "insert into t values(randomblob(3000))");
    }
    long before = scan().lastCommitFrame();
    Sqlite.exec(app, "update t set x = randomblob(3000) where rowid = 10");
    WalScan after = scan();
    byte[] wal = Files.readAllBytes(wal());
    for (long n = before + 1; n <= after.lastCommitFrame(); n++) {
      int pageNo = FrameHeader.parse(wal, (int) after.header().frameOffset(n)).pageNumber();
      assertNotEquals(1, pageNo, "frame " + n + " of the update");
    }
    assertTrue(after.lastCommitFrame() > before);
  }

  @Test
  void aSlotZeroReaderAllowsAtMostOneRestartAndBlocksBackfillAfterIt() throws Exception {
    long[] ck = checkpoint();
    assertEquals(ck[1], ck[2]);
    WalHeader before = header();
    beginRead(reader);
    Sqlite.exec(app, "insert into t values(1)");
    WalHeader restarted = header();
    assertEquals(before.salt1() + 1, restarted.salt1(), "the first write restarts");
    ck = checkpoint();
    assertEquals(0, ck[2], "no backfill while the reader holds read-lock 0");
    Sqlite.exec(app, "insert into t values(2)");
    assertTrue(header().sameSalts(restarted), "no second restart");
  }

  @Test
  void aPassiveCheckpointStopsAtTheOldestReadMark() throws Exception {
    beginRead(reader);
    long mark = scan().lastCommitFrame();
    Sqlite.exec(app, "insert into t values(1)", "insert into t values(2)");
    long[] ck = checkpoint();
    assertEquals(0, ck[0]);
    assertEquals(mark + 2, ck[1]);
    assertEquals(mark, ck[2]);
  }

  @Test
  void aReaderWithAMarkMakesTheApplicationsTruncateCheckpointFail() throws Exception {
    beginRead(reader);
    Sqlite.exec(app, "insert into t values(1)");
    Sqlite.exec(app, "PRAGMA busy_timeout=100");
    long size = Files.size(wal());
    long busy = Sqlite.queryLong(app, "PRAGMA wal_checkpoint(TRUNCATE)");
    assertEquals(1, busy);
    assertEquals(size, Files.size(wal()));
  }

  @Test
  void anUpgradeAfterAnotherWriterCommittedFailsWithBusySnapshot() throws Exception {
    Connection writer = connect();
    Sqlite.exec(writer, "BEGIN");
    long v = Sqlite.queryLong(writer, "PRAGMA user_version");
    Sqlite.exec(app, "insert into t values(1)");
    SQLException e =
        assertThrows(SQLException.class, () -> Sqlite.exec(writer, "PRAGMA user_version=" + v));
    assertTrue(e.getMessage().contains("SQLITE_BUSY_SNAPSHOT"), e.getMessage());
    Sqlite.exec(writer, "ROLLBACK");
  }

  @Test
  void aCheckpointInsideATransactionOfTheSameConnectionIsRefused() throws Exception {
    beginRead(reader);
    SQLException e =
        assertThrows(
            SQLException.class, () -> Sqlite.queryLong(reader, "PRAGMA wal_checkpoint(PASSIVE)"));
    assertTrue(e.getMessage().contains("SQLITE_LOCKED"), e.getMessage());
  }

  @Test
  void framesOfATransactionInFlightFollowTheLastCommitFrame() throws Exception {
    Connection writer = connect();
    Sqlite.exec(writer, "PRAGMA cache_size=5");
    WalScan before = scan();
    Sqlite.exec(writer, "BEGIN");
    for (int i = 0; i < 50; i++) {
      Sqlite.exec(writer, "insert into t values(randomblob(3000))");
    }
    WalScan during = scan();
    assertTrue(during.validFrames() > during.lastCommitFrame(), "spilled frames are in the file");
    assertEquals(before.committedEnd(), during.committedEnd(), "but not committed");
    Sqlite.exec(writer, "ROLLBACK");
    Sqlite.exec(app, "insert into t values(1)");
    WalScan after = scan();
    assertEquals(before.lastCommitFrame() + 1, after.lastCommitFrame(), "overwritten");
  }

  @Test
  void theLastConnectionToCloseCheckpointsAndDeletesTheWal() throws Exception {
    for (Connection c : open) {
      c.close();
    }
    open.clear();
    assertFalse(Files.exists(wal()));
    try (Connection c = Sqlite.openWal(db, 0)) {
      assertEquals(5, Sqlite.queryLong(c, "select count(*) from t"));
    }
  }

  private Connection connect() throws SQLException {
    Connection c = Sqlite.openWal(db, 0);
    open.add(c);
    return c;
  }

  private static void beginRead(Connection c) throws SQLException {
    Sqlite.exec(c, "BEGIN");
    Sqlite.queryLong(c, "select count(*) from sqlite_schema");
  }

  /** {@code PRAGMA wal_checkpoint(PASSIVE)}: busy, log frames, checkpointed frames. */
  private long[] checkpoint() throws SQLException {
    try (var s = checkpointer.createStatement();
        var r = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
      r.next();
      return new long[] {r.getLong(1), r.getLong(2), r.getLong(3)};
    }
  }

  private Path wal() {
    return Path.of(db + "-wal");
  }

  private WalHeader header() throws Exception {
    return WalHeader.parse(Files.readAllBytes(wal()), 0);
  }

  private WalScan scan() throws Exception {
    return WalReader.scan(new ByteArrayInputStream(Files.readAllBytes(wal())));
  }

  /** The newest committed copy of page {@code n} in the WAL. */
  private byte[] lastPage(int n) throws Exception {
    byte[] wal = Files.readAllBytes(wal());
    WalScan s = scan();
    for (long f = s.lastCommitFrame(); f >= 1; f--) {
      int off = (int) s.header().frameOffset(f);
      if (FrameHeader.parse(wal, off).pageNumber() == n) {
        byte[] page = new byte[s.header().pageSize()];
        System.arraycopy(wal, off + 24, page, 0, page.length);
        return page;
      }
    }
    throw new AssertionError("page " + n + " not in the WAL");
  }
}
