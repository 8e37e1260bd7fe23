package dev.walship.agent.capture;

import dev.walship.format.layout.Position;
import dev.walship.toolkit.time.Ticker;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Capture's read transaction (its "mark"), which keeps every other connection from restarting the
 * WAL, and how it moves forward.
 *
 * <p>Design note — the invariant. SQLite lets a writer restart the WAL only when every frame is in
 * the database file and it can lock all four read-mark slots. A read transaction begun while some
 * frame was not yet checkpointed holds a slot: no restart. One begun while every frame was already
 * checkpointed takes read-lock 0 instead, which blocks every later checkpoint but protects nothing
 * by itself: the WAL is fully checkpointed at that very moment, so the next writer may restart it.
 * Hence, from the first {@link LockSteps#anchor} on, capture always holds either a slot, or
 * read-lock 0 while the WAL has frames not in the database file (then it can never become fully
 * checkpointed). A handoff begins the new reader, copies, and then reads the wal-index ({@link
 * WalIndex}): only if frames are still not checkpointed does the old reader end (the new one holds
 * a slot, or read-lock 0 with frames it keeps from the file). If every frame is checkpointed, the
 * old reader must hold a slot at the WAL's end (a read-lock-0 reader would have kept the frames
 * after it out of the file), so it stays and the new one ends. Before this rule a handoff at a
 * fully checkpointed moment left capture with read-lock 0 only, and an application writer restarted
 * the WAL behind capture's back (seen under load and with a 400 MB transaction of the sqlite3 CLI).
 *
 * <p>The reader moves when it trails the captured end ({@link MarkLag}), under the write lock
 * before a restart, and around capture's own write ({@link #drop}, {@link #take}).
 */
final class ReadMark {
  private final Sql sql;
  private final Tail tail;
  private final WalIndex walIndex;
  private final MarkLag lag;
  private final Ticker ticker;
  private Connection reader;
  private long kept;

  ReadMark(Sql sql, Tail tail, WalIndex walIndex, MarkLag lag, Ticker ticker) {
    this.sql = sql;
    this.tail = tail;
    this.walIndex = walIndex;
    this.lag = lag;
    this.ticker = ticker;
  }

  /** Begins the first reader (it may hold read-lock 0 until {@link LockSteps#anchor}). */
  void begin() throws SQLException {
    reader = sql.beginRead();
    lag.forget();
  }

  /** True while a reader is open. */
  boolean held() {
    return reader != null;
  }

  /** True when the reader trails the captured end enough to move ({@link MarkLag}). */
  boolean due() {
    return untilDue() == 0;
  }

  /** Nanoseconds until a handoff is due if nothing more is captured ({@link MarkLag#untilDue}). */
  long untilDue() {
    Position end = tail.end();
    return end == null || end.offset() <= 0
        ? Long.MAX_VALUE
        : lag.untilDue(end, tail.frameSize(), ticker.read());
  }

  /** Begins a new reader, copies to the end, then ends one of the two (see the class comment). */
  void handoff(OwnWrite expect) throws IOException, SQLException, Discontinuity {
    Connection next = sql.beginRead();
    try {
      tail.capture(expect);
    } catch (IOException | Discontinuity | RuntimeException e) {
      sql.endRead(next);
      throw e;
    }
    settle(next);
  }

  /**
   * Moves the reader to the WAL's end without copying (under the write lock, where no commit is
   * half-published, so the reader's snapshot is the WAL's end).
   *
   * @return the wal-index as the reader found it
   */
  WalIndex.State renew() throws IOException, SQLException {
    return settle(sql.beginRead());
  }

  private WalIndex.State settle(Connection next) throws IOException, SQLException {
    WalIndex.State s;
    try {
      s = walIndex.read();
    } catch (IOException | RuntimeException e) {
      sql.endRead(next);
      throw e;
    }
    Connection end;
    if (s.fullyCheckpointed() && reader != null) {
      end = next;
      kept++;
    } else {
      end = reader;
      reader = next;
    }
    lag.moved(tail.end(), ticker.read());
    sql.endRead(end);
    return s;
  }

  /** The database's size in pages as the reader's snapshot sees it. */
  long pageCount() throws SQLException {
    return sql.pageCount(reader);
  }

  /** Ends the reader: only while capture holds the write lock (its own restart). */
  void drop() throws SQLException {
    Connection old = reader;
    reader = null;
    lag.forget();
    sql.endRead(old);
  }

  /** Begins the reader again (right after capture's own write) and copies to the end. */
  void take(OwnWrite expect) throws IOException, SQLException, Discontinuity {
    reader = sql.beginRead();
    tail.capture(expect);
    lag.moved(tail.end(), ticker.read());
  }

  /** The connections were closed: no reader is held any more. */
  void forget() {
    reader = null;
    lag.forget();
  }

  /** How many handoffs kept the old reader because every frame was checkpointed (for tests). */
  long kept() {
    return kept;
  }
}
