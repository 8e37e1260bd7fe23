package dev.walship.agent.capture;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The two moments capture takes SQLite's write lock, step by step.
 *
 * <p>Design note. A WAL restart overwrites frames. SQLite lets a writer restart only when every
 * frame is in the database file, no reader holds a read mark (a read transaction begun while some
 * frame was not yet copied into the file), and the writer's own snapshot began after the last frame
 * was copied. A reader begun when nothing was left to copy (read-lock 0) does not block the
 * restart, but it blocks every later checkpoint. Capture uses both facts (each one is checked by
 * {@code SqliteWalBehaviourTest}):
 *
 * <ul>
 *   <li>{@link #anchor}: capture takes the write lock, copies everything, makes it durable, writes
 *       the no-op page-1 frame, commits, and begins its new reader while the old one is still open.
 *       Whichever reader capture held, it kept checkpoints from copying that new frame, so the new
 *       reader holds a mark: from now on nobody but capture can restart the WAL.
 *   <li>{@link #restart}: with the write lock (writer 1) capture copies the last frames, moves its
 *       mark to the end (under the write lock no commit is half-published, so the new reader's
 *       snapshot is the WAL's end), makes the index durable (fsync: from here on the WAL may lose
 *       its frames) and checkpoints PASSIVE; if that copied everything, it begins a read-lock-0
 *       reader (the blocker) and a deferred transaction on writer 2 (snapshot after the full
 *       checkpoint), releases writer 1 and at once takes the lock again with writer 2's no-op
 *       write. If an application writer slipped in between, writer 2 fails with BUSY_SNAPSHOT and
 *       the mark, which holds a slot, keeps that writer from restarting the WAL. Only while writer
 *       2 holds the lock does capture end its mark; writer 2's commit then restarts the WAL (or
 *       appends, if an application reader still holds a mark). The blocker keeps checkpoints off
 *       the new frame until capture's new reader holds its mark.
 * </ul>
 *
 * Every move of the mark here goes through {@link ReadMark}, whose rule keeps a reader that may
 * hold read-lock 0 (begun on a fully checkpointed WAL) from replacing one that holds a slot: before
 * that rule, the handoff under writer 1 could leave capture with read-lock 0 only, and the writer
 * that slipped in restarted the WAL. A new WAL cycle is accepted as the next index only if it
 * begins with capture's own frame ({@link OwnWrite}).
 */
final class LockSteps {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LockSteps.class);

  /** How long a restart waits for another connection's checkpoint (it holds the write lock). */
  private static final Duration CHECKPOINT_WAIT = Duration.ofMillis(50);

  /** How a restart attempt ended. */
  enum Result {
    /** The WAL restarted: a new index began. */
    RESTARTED,
    /** The write went to the end of the WAL (an application reader holds a mark). */
    APPENDED,
    /** The checkpoint could not copy everything: application readers hold older marks. */
    READERS,
    /** The write lock stayed busy, or a writer slipped in; try again later. */
    BUSY
  }

  private final Sql sql;
  private final Tail tail;
  private final ReadMark mark;
  private final Duration wait;

  LockSteps(Sql sql, Tail tail, ReadMark mark, Duration wait) {
    this.sql = sql;
    this.tail = tail;
    this.mark = mark;
    this.wait = wait;
  }

  /**
   * Makes capture's read mark provable: one no-op write under the write lock, after copying
   * everything (it restarts the WAL only if SQLite would let any writer do so).
   *
   * @return false when the write lock stayed busy
   */
  boolean anchor() throws IOException, SQLException, Discontinuity {
    Connection w = sql.writer1();
    if (!sql.beginImmediate(w, wait)) {
      return false;
    }
    OwnWrite expect;
    try {
      tail.capture(null);
      tail.makeDurable(); // the write below restarts the WAL if SQLite lets it
      expect = tail.expectation();
      sql.setUserVersion(w, sql.userVersion(w), wait);
      sql.commit(w);
    } catch (IOException | SQLException | Discontinuity | RuntimeException e) {
      sql.rollbackQuietly(w);
      throw e;
    }
    mark.handoff(expect);
    tail.ownWriteCopied();
    return true;
  }

  /** Restarts the WAL if SQLite allows it now; see the class comment. */
  Result restart() throws IOException, SQLException, Discontinuity {
    Connection w1 = sql.writer1();
    if (!sql.beginImmediate(w1, wait)) {
      return Result.BUSY;
    }
    int before = tail.end().index();
    boolean w1Open = true;
    Connection blocker = null;
    try {
      tail.capture(null);
      mark.handoff(null);
      tail.makeDurable(); // every frame is copied; only now may the WAL lose them
      Sql.Checkpoint ck = sql.checkpoint(CHECKPOINT_WAIT);
      if (!ck.complete()) {
        LOG.debug("checkpoint before restart incomplete: {}", ck);
        return Result.READERS;
      }
      OwnWrite expect = tail.expectation();
      if (ck.logFrames() == 0) {
        sql.setUserVersion(w1, sql.userVersion(w1), wait);
        sql.commit(w1);
        w1Open = false;
        mark.handoff(expect);
      } else {
        blocker = sql.beginRead();
        w1Open = false;
        if (!secondWriter(w1, expect)) {
          return Result.BUSY;
        }
      }
      tail.ownWriteCopied();
      var end = tail.end();
      return end.index() > before && end.offset() > 0 ? Result.RESTARTED : Result.APPENDED;
    } finally {
      if (w1Open) {
        sql.rollbackQuietly(w1);
      }
      if (blocker != null) {
        sql.endRead(blocker);
      }
    }
  }

  /**
   * Writer 2 takes over the lock from writer 1 and makes the restart; false if a writer slipped in.
   */
  private boolean secondWriter(Connection w1, OwnWrite expect)
      throws IOException, SQLException, Discontinuity {
    Connection w2 = sql.writer2();
    boolean w2Open = false;
    try {
      long v;
      try {
        w2Open = true;
        v = sql.beginAndReadUserVersion(w2, wait);
        sql.commit(w1);
        sql.setUserVersion(w2, v, wait);
      } catch (SQLException e) {
        if (Sql.isBusy(e)) {
          return false;
        }
        throw e;
      }
      mark.drop();
      sql.commit(w2);
      w2Open = false;
      mark.take(expect);
      return true;
    } finally {
      if (w2Open) {
        sql.rollbackQuietly(w2);
      }
      sql.rollbackQuietly(w1);
    }
  }
}
