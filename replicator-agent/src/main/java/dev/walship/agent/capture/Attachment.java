package dev.walship.agent.capture;

import dev.walship.toolkit.time.Ticker;
import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What capture holds while it is attached to a database, opened and released together: the meta
 * directory's lock, the database file's descriptor, capture's SQLite connections, the wal-index,
 * the read mark and the lock steps.
 */
record Attachment(
    FileLock metaLock,
    DatabaseFile file,
    Sql sql,
    WalIndex walIndex,
    ReadMark mark,
    LockSteps steps)
    implements AutoCloseable {
  /** The mark moves once it trails the end by this fraction of min-checkpoint-page-count... */
  private static final int HANDOFF_DIVISOR = 16;

  /** ...or by any frame for this long ({@link MarkLag}). */
  private static final Duration HANDOFF_AGE = Duration.ofSeconds(10);

  /** Locks {@code meta} and opens {@code db} (in WAL mode); on failure nothing stays open. */
  static Attachment open(Path db, MetaDir meta, CaptureSettings settings, Tail tail, Ticker ticker)
      throws IOException, java.sql.SQLException {
    FileLock lock = meta.lock();
    DatabaseFile file = null;
    Sql sql = null;
    WalIndex walIndex = null;
    try {
      file = DatabaseFile.open(db);
      sql = Sql.open(db, settings.busyTimeout(), ticker);
      walIndex = WalIndex.open(db);
      ReadMark mark =
          new ReadMark(
              sql,
              tail,
              walIndex,
              new MarkLag(
                  Math.max(1, settings.minCheckpointPageCount() / HANDOFF_DIVISOR), HANDOFF_AGE),
              ticker);
      return new Attachment(
          lock, file, sql, walIndex, mark, new LockSteps(sql, tail, mark, settings.busyTimeout()));
    } catch (IOException | java.sql.SQLException | RuntimeException e) {
      release(lock, file, sql, walIndex);
      throw e;
    }
  }

  /** The database's current identity (file and creation-time header). */
  DatabaseIdentity identity() throws java.sql.SQLException {
    return new DatabaseIdentity(file.identity(), sql.headerIdentity());
  }

  /** Closes the connections (ending the mark), the wal-index, the file, and the lock. */
  @Override
  public void close() {
    mark.forget();
    release(metaLock, file, sql, walIndex);
  }

  private static void release(FileLock lock, DatabaseFile file, Sql sql, WalIndex walIndex) {
    if (sql != null) {
      sql.close();
    }
    if (walIndex != null) {
      walIndex.close();
    }
    if (file != null) {
      file.close();
    }
    try {
      lock.channel().close();
    } catch (IOException ignored) {
      // closing the channel released the lock either way
    }
  }
}
