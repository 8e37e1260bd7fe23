package dev.walship.agent.capture;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * What capture offers the shippers of one database: the captured, committed history of its current
 * generation, as shadow WAL bytes per index, plus consistent snapshots. Thread-safe.
 *
 * <p>Invariants the capture side guarantees:
 *
 * <ul>
 *   <li>Every byte readable here belongs to a committed transaction; an index's bytes are a WAL
 *       from its 32-byte header on, ending at a commit frame: exactly the WAL SQLite wrote for that
 *       index, or a catch-up index capture wrote (one transaction holding the pages that changed
 *       while capture did not see the WAL; see {@code CatchUp}).
 *   <li>Captured bytes never change. An index only grows until the next index starts; then its
 *       length is final. Indices of a generation are numbered 0, 1, 2… without gaps.
 *   <li>A new generation means continuity was lost: its history starts with a snapshot.
 * </ul>
 */
public interface ShadowLog {

  /**
   * The end of what has been captured: generation, current index, and the offset just past its last
   * committed frame. Null until capture has started a generation.
   */
  Position end();

  /**
   * Waits until {@link #end()} differs from {@code seen} (more bytes, a new index, or a new
   * generation), at most {@code timeout}.
   *
   * @return the current end (possibly still {@code seen} on timeout)
   */
  Position awaitChange(Position seen, Duration timeout) throws InterruptedException;

  /**
   * Calls {@code listener} each time {@link #end()} changes, on capture's thread, so it must be
   * quick (a shipper wakes its job with it).
   */
  void onChange(Runnable listener);

  /**
   * Replica {@code replica} ships every {@code syncInterval} (zero: as soon as it can). Called once
   * by each shipper before it starts. Capture paces its looks by it (see {@link #waiting}).
   */
  void pace(String replica, Duration syncInterval);

  /**
   * Replica {@code replica} has shipped everything up to {@code seen} and waits for the end to move
   * on. While some replica waits, capture looks at the database as soon as it changes; while every
   * replica is busy (uploading, or waiting for its sync-interval), changes gather and capture looks
   * once one waits, or after a short pace (100 ms, or a quarter of the shortest sync-interval).
   */
  void waiting(String replica, Position seen);

  /**
   * The captured length of index {@code index} of {@code generation}: final for an index before the
   * current one, {@code end().offset()} for the current one.
   *
   * @throws java.nio.file.NoSuchFileException when that index is not (or no longer) held locally
   */
  long indexLength(Generation generation, int index) throws IOException;

  /**
   * Streams the captured bytes {@code [from.offset(), to)} of index {@code from.index()}. The
   * caller closes the stream.
   *
   * @throws java.nio.file.NoSuchFileException when that index is not (or no longer) held locally
   */
  InputStream read(Position from, long to) throws IOException;

  /**
   * Starts a snapshot of the database: the whole main database file, taken so that applying the
   * lease's index from offset 0 on top of it gives a consistent database. Until the lease is
   * closed, that index stays current. The caller must close the lease promptly.
   */
  SnapshotLease snapshot() throws IOException;

  /**
   * Replica {@code replica} has durably shipped everything before {@code shipped}. Shadow indices
   * that every replica has shipped completely may be deleted.
   */
  void shipped(String replica, Position shipped);

  /**
   * A replica cannot continue the current generation: it holds a segment that does not continue the
   * captured history and its server refuses to delete it (replica-server's {@code immutable-for}).
   * Capture starts a new generation, with a snapshot, at its next step.
   */
  void restartGeneration(String reason);
}
