package dev.walship.agent.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a full look at an idle database would find out, for the price of a few {@code stat}s and one
 * read of the {@code -shm} header: whether anything changed since a full look began.
 *
 * <p>Design note. A glance records the database file's and the WAL's identity, size and mtime, the
 * meta directory's state file, and the raw wal-index header and checkpoint info in the {@code -shm}
 * file ({@link WalIndex}). SQLite rewrites that header on every commit (frame count, checksums,
 * change counter) and every WAL restart (salts), and a checkpoint writes its backfill count there,
 * so a commit changes the glance even when it leaves the WAL's size and (coarse) mtime as they
 * were, e.g. right after a restart. A glance is taken <em>before</em> each full look, so whatever
 * happens during the look changes the next glance; equal glances therefore mean that a look now
 * would see exactly what the last look saw. Only time-driven work (a handoff, a restart by {@code
 * checkpoint-interval}, a shadow sync, pruning) remains, which the engine checks without I/O.
 */
final class Glance {
  private final Object dbKey;
  private final long dbSize;
  private final long dbModified;
  private final Object walKey;
  private final long walSize;
  private final long walModified;
  private final boolean metaState;
  private final byte[] walIndex;

  private Glance(
      BasicFileAttributes db, BasicFileAttributes wal, boolean metaState, byte[] walIndex) {
    this.dbKey = db.fileKey();
    this.dbSize = db.size();
    this.dbModified = nanos(db);
    this.walKey = wal == null ? null : wal.fileKey();
    this.walSize = wal == null ? -1 : wal.size();
    this.walModified = wal == null ? -1 : nanos(wal);
    this.metaState = metaState;
    this.walIndex = walIndex;
  }

  /** A glance at {@code db} now; {@code index} is null while capture is detached. */
  static Glance take(Path db, Path wal, Path metaState, WalIndex index) throws IOException {
    return new Glance(
        Files.readAttributes(db, BasicFileAttributes.class),
        attributes(wal),
        Files.exists(metaState),
        index == null ? null : index.raw());
  }

  private static long nanos(BasicFileAttributes a) {
    Instant t = a.lastModifiedTime().toInstant();
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static BasicFileAttributes attributes(Path f) throws IOException {
    try {
      return Files.readAttributes(f, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /**
   * True when the database or WAL file differs from {@code previous} (identity, size or mtime), and
   * every one that differs was last modified before {@code epochMillis}; false when {@code
   * previous} is null.
   */
  boolean changedBefore(Glance previous, long epochMillis) {
    if (previous == null) {
      return false;
    }
    boolean db = !sameDatabase(previous);
    boolean wal = !sameWal(previous);
    long before = epochMillis * 1_000_000L;
    return (db || wal) && (!db || dbModified < before) && (!wal || walModified < before);
  }

  /** True when nothing this glance records differs from {@code other}. */
  boolean same(Glance other) {
    return other != null
        && sameDatabase(other)
        && sameWal(other)
        && metaState == other.metaState
        && Arrays.equals(walIndex, other.walIndex);
  }

  private boolean sameDatabase(Glance o) {
    return Objects.equals(dbKey, o.dbKey) && dbSize == o.dbSize && dbModified == o.dbModified;
  }

  private boolean sameWal(Glance o) {
    return Objects.equals(walKey, o.walKey) && walSize == o.walSize && walModified == o.walModified;
  }
}
