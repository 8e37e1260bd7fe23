package dev.walship.agent.capture;

import dev.walship.toolkit.time.Ticker;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.sqlite.BusyHandler;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Capture's SQLite connections to one database and the few statements it runs: read transactions
 * (the read marks), {@code PRAGMA wal_checkpoint(PASSIVE)}, and the no-op write {@code PRAGMA
 * user_version = <its value>}. Capture never creates a table, never runs another checkpoint mode,
 * and turns autocheckpoint off on its own connections. Connections open without the create flag:
 * capture never creates the database. Not thread-safe (capture thread only).
 */
final class Sql implements AutoCloseable {
  private static final int READERS = 3;

  private final List<Connection> readers = new ArrayList<>();
  private final boolean[] reading = new boolean[READERS];
  private final ReaderStatements[] readerStatements = new ReaderStatements[READERS];
  private final Connection writer1;
  private final Connection writer2;
  private final Ticker ticker;
  private final Spin spin1;
  private final Spin spin2;

  private Sql(Path db, Duration busyTimeout, Ticker ticker) throws SQLException {
    this.ticker = ticker;
    this.spin1 = new Spin(ticker);
    this.spin2 = new Spin(ticker);
    try {
      for (int i = 0; i < READERS; i++) {
        readers.add(connect(db, busyTimeout));
      }
      writer1 = connect(db, busyTimeout);
      writer2 = connect(db, busyTimeout);
      BusyHandler.setHandler(writer1, spin1);
      BusyHandler.setHandler(writer2, spin2);
    } catch (SQLException | RuntimeException e) {
      closeAll();
      throw e;
    }
  }

  /** Opens the connections and puts the database in WAL mode. */
  static Sql open(Path db, Duration busyTimeout, Ticker ticker) throws SQLException {
    Sql sql = new Sql(db, busyTimeout, ticker);
    try {
      String mode = sql.queryString(sql.readers.get(0), "PRAGMA journal_mode=WAL");
      if (!"wal".equalsIgnoreCase(mode)) {
        throw new SQLException(
            db
                + ": cannot switch to WAL mode (journal_mode is '"
                + mode
                + "'); "
                + "another connection may hold the database in exclusive locking mode");
      }
      return sql;
    } catch (SQLException | RuntimeException e) {
      sql.close();
      throw e;
    }
  }

  /** Opens one extra connection (a snapshot lease's), same settings. */
  static Connection connectOne(Path db, Duration busyTimeout) throws SQLException {
    return connect(db, busyTimeout);
  }

  private static Connection connect(Path db, Duration busyTimeout) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.resetOpenMode(SQLiteOpenMode.CREATE);
    config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
    Connection c = config.createConnection("jdbc:sqlite:" + db.toAbsolutePath());
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA wal_autocheckpoint=0");
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  int pageSize() throws SQLException {
    return (int) queryLong(readers.get(0), "PRAGMA page_size");
  }

  /** The database's size in pages as the transaction of {@code c} sees it. */
  long pageCount(Connection c) throws SQLException {
    return queryLong(c, "PRAGMA page_count");
  }

  /**
   * The header fields an application sets once, when it creates the database: its text encoding and
   * application id ({@link DatabaseIdentity}).
   */
  String headerIdentity() throws SQLException {
    Connection c = free();
    return "encoding="
        + queryString(c, "PRAGMA encoding")
        + " application_id="
        + queryLong(c, "PRAGMA application_id");
  }

  /** Begins a read transaction on a free reader connection and takes its snapshot. */
  Connection beginRead() throws SQLException {
    for (int i = 0; i < READERS; i++) {
      if (!reading[i]) {
        Connection c = readers.get(i);
        ReaderStatements p = readerStatements(i);
        p.begin.execute();
        reading[i] = true;
        try (ResultSet r = p.userVersion.executeQuery()) {
          r.next();
        } catch (SQLException e) {
          endRead(c);
          throw e;
        }
        return c;
      }
    }
    throw new IllegalStateException("every reader connection is in a read transaction");
  }

  /** Ends a read transaction begun by {@link #beginRead()}. Null is ignored. */
  void endRead(Connection c) throws SQLException {
    if (c == null) {
      return;
    }
    int i = readers.indexOf(c);
    if (i < 0 || !reading[i]) {
      throw new IllegalStateException("not an open read transaction");
    }
    reading[i] = false;
    readerStatements(i).rollback.execute();
  }

  /**
   * The statements of reader {@code i}, prepared once: a read mark moves with every few commits,
   * and preparing three statements each time was most of its cost.
   */
  private ReaderStatements readerStatements(int i) throws SQLException {
    ReaderStatements p = readerStatements[i];
    if (p == null) {
      Connection c = readers.get(i);
      p =
          new ReaderStatements(
              c.prepareStatement("BEGIN"),
              c.prepareStatement("PRAGMA user_version"),
              c.prepareStatement("ROLLBACK"));
      readerStatements[i] = p;
    }
    return p;
  }

  /** A reader's prepared statements (closed with its connection). */
  private record ReaderStatements(
      PreparedStatement begin, PreparedStatement userVersion, PreparedStatement rollback) {}

  /**
   * {@code PRAGMA wal_checkpoint(PASSIVE)} on a connection outside any transaction. While another
   * connection's checkpoint runs (SQLite then reports busy), it is retried for up to {@code wait}:
   * the application's autocheckpoint is usually that other one and ends quickly.
   */
  Checkpoint checkpoint(Duration wait) throws SQLException {
    long deadline = ticker.read() + wait.toNanos();
    while (true) {
      Checkpoint ck = checkpointOnce();
      if (!ck.busy() || ticker.until(deadline) < 0) {
        return ck;
      }
      LockSupport.parkNanos(200_000);
    }
  }

  private Checkpoint checkpointOnce() throws SQLException {
    try (Statement s = free().createStatement();
        ResultSet r = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
      r.next();
      return new Checkpoint(r.getInt(1) != 0, r.getLong(2), r.getLong(3));
    }
  }

  /** A reader connection outside any transaction. */
  private Connection free() {
    for (int i = 0; i < READERS; i++) {
      if (!reading[i]) {
        return readers.get(i);
      }
    }
    throw new IllegalStateException("every reader connection is in a read transaction");
  }

  /** The result of a PASSIVE checkpoint: WAL frames, and frames now in the database file. */
  record Checkpoint(boolean busy, long logFrames, long checkpointedFrames) {
    boolean complete() {
      return !busy && logFrames == checkpointedFrames;
    }
  }

  Connection writer1() {
    return writer1;
  }

  Connection writer2() {
    return writer2;
  }

  /**
   * {@code BEGIN IMMEDIATE} on {@code w}, retrying at once (not sleeping a millisecond like
   * SQLite's own handler) while another connection writes, for at most {@code wait}.
   *
   * @return false when the write lock stayed busy
   */
  boolean beginImmediate(Connection w, Duration wait) throws SQLException {
    spinFor(w).deadline = ticker.read() + wait.toNanos();
    try {
      exec(w, "BEGIN IMMEDIATE");
      return true;
    } catch (SQLException e) {
      if (isBusy(e)) {
        return false;
      }
      throw e;
    }
  }

  /** Begins a deferred transaction on {@code w} and reads {@code user_version} (its snapshot). */
  long beginAndReadUserVersion(Connection w, Duration wait) throws SQLException {
    spinFor(w).deadline = ticker.read() + wait.toNanos();
    exec(w, "BEGIN");
    return queryLong(w, "PRAGMA user_version");
  }

  long userVersion(Connection c) throws SQLException {
    return queryLong(c, "PRAGMA user_version");
  }

  /**
   * Writes {@code user_version} back unchanged: one page-1 frame, nothing else. Takes the write
   * lock (waiting at most {@code wait}) unless the transaction already holds it.
   */
  void setUserVersion(Connection w, long value, Duration wait) throws SQLException {
    spinFor(w).deadline = ticker.read() + wait.toNanos();
    exec(w, "PRAGMA user_version=" + value);
  }

  void commit(Connection c) throws SQLException {
    exec(c, "COMMIT");
  }

  /** Ends whatever transaction {@code c} has, ignoring errors (cleanup paths). */
  void rollbackQuietly(Connection c) {
    try {
      exec(c, "ROLLBACK");
    } catch (SQLException ignored) {
      // no transaction was open
    }
  }

  static boolean isBusy(SQLException e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("SQLITE_BUSY") || m.contains("database is locked");
  }

  static boolean isBusySnapshot(SQLException e) {
    return String.valueOf(e.getMessage()).contains("SQLITE_BUSY_SNAPSHOT");
  }

  private Spin spinFor(Connection w) {
    return w == writer1 ? spin1 : spin2;
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static long queryLong(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  private String queryString(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }

  @Override
  public void close() {
    closeAll();
  }

  private void closeAll() {
    for (Connection c : readers) {
      closeQuietly(c);
    }
    closeQuietly(writer1);
    closeQuietly(writer2);
  }

  private static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException ignored) {
      // closing is best effort
    }
  }

  /**
   * Busy handler of the writer connections: retries immediately, yielding, until a deadline. The
   * application's writers typically hold the lock for one commit at a time; SQLite's default
   * handler sleeps 1, 2, 5… ms between tries and can miss every gap between their transactions.
   */
  private static final class Spin extends BusyHandler {
    private final Ticker ticker;
    volatile long deadline;

    Spin(Ticker ticker) {
      this.ticker = ticker;
    }

    @Override
    protected int callback(int tries) {
      if (ticker.until(deadline) < 0) {
        return 0;
      }
      if (tries < 1000) {
        Thread.onSpinWait();
      } else if (tries < 5000) {
        Thread.yield();
      } else {
        LockSupport.parkNanos(50_000);
      }
      return 1;
    }
  }
}
