package dev.walship.agent.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The wal-index header in the database's {@code -shm} file, read without SQLite: how many frames
 * the WAL holds ({@code mxFrame}), how many of them a checkpoint already copied into the database
 * file ({@code nBackfill}), and the cycle's salts. Layout (SQLite's "WAL-index format", stable
 * since 3.7.0): two copies of the 48-byte {@code WalIndexHdr} at 0 and 48 (native byte order; the
 * salts copied byte for byte from the WAL header), then {@code WalCkptInfo} at 96: {@code
 * nBackfill}, five read marks, eight lock bytes, {@code nBackfillAttempted} at 128.
 *
 * <p>Design note. The {@code -shm} file carries the POSIX locks of every SQLite connection of this
 * process (the read marks, the write lock). Closing any descriptor of it would drop them all, so it
 * is read through a {@link DatabaseFile}, whose descriptor is never closed while the file is at its
 * path. A reading is trusted only when both header copies agree and two consecutive readings are
 * equal (SQLite writes the copies one after the other, and {@code nBackfill} while it checkpoints).
 */
final class WalIndex implements AutoCloseable {
  static final int VERSION = 3007000;
  private static final int SIZE = 136;
  private static final int HEADER = 48;
  private static final int ATTEMPTS = 20;

  private final DatabaseFile shm;

  private WalIndex(DatabaseFile shm) {
    this.shm = shm;
  }

  /** The wal-index of {@code db}; its {@code -shm} file must exist (SQLite has the WAL open). */
  static WalIndex open(Path db) throws IOException {
    return new WalIndex(DatabaseFile.open(pathOf(db)));
  }

  static Path pathOf(Path db) {
    return db.resolveSibling(db.getFileName() + "-shm");
  }

  /**
   * What the wal-index says now.
   *
   * @param salt1 the WAL cycle's salt-1, as the WAL header stores it
   * @param salt2 its salt-2
   * @param mxFrame committed frames in the WAL
   * @param nBackfill frames a checkpoint copied into the database file
   * @param nBackfillAttempted frames a checkpoint began to copy (set before it writes the file)
   */
  record State(int salt1, int salt2, int mxFrame, int nBackfill, int nBackfillAttempted) {
    /**
     * Every frame is in the database file. A read transaction begun now takes read-lock 0, which
     * keeps no other connection from restarting the WAL.
     */
    boolean fullyCheckpointed() {
      return nBackfill == mxFrame;
    }

    /**
     * The database file is exactly the state after frame {@link #nBackfill} of this cycle: no
     * checkpoint has begun to write frames after it.
     */
    boolean fileAtBackfill() {
      return nBackfillAttempted == nBackfill;
    }
  }

  /**
   * Reads the header until it is consistent.
   *
   * @throws IOException when the file holds no initialized wal-index, or it kept changing
   */
  State read() throws IOException {
    byte[] last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      byte[] b = new byte[SIZE];
      if (shm.read(ByteBuffer.wrap(b), 0) < SIZE) {
        throw new IOException(shm.path() + " holds no wal-index header");
      }
      if (Arrays.equals(b, 0, HEADER, b, HEADER, 2 * HEADER) && Arrays.equals(b, last)) {
        return parse(b);
      }
      last = b;
      Thread.onSpinWait();
    }
    throw new IOException(
        "the wal-index header in " + shm.path() + " kept changing while it was" + " read");
  }

  /**
   * The header and checkpoint info as they are now, unchecked (for {@link Glance}, which only
   * compares them with an earlier reading); empty when the file holds none yet.
   */
  byte[] raw() throws IOException {
    byte[] b = new byte[SIZE];
    int n = shm.read(ByteBuffer.wrap(b), 0);
    return n < SIZE ? new byte[0] : b;
  }

  private State parse(byte[] b) throws IOException {
    ByteBuffer n = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
    if (n.getInt(0) != VERSION || b[12] != 1) {
      throw new IOException(
          shm.path()
              + ": wal-index version "
              + n.getInt(0)
              + ", initialized "
              + b[12]
              + "; expected "
              + VERSION
              + ", 1");
    }
    ByteBuffer be = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN);
    return new State(
        be.getInt(32),
        be.getInt(36),
        n.getInt(16),
        n.getInt(2 * HEADER),
        n.getInt(2 * HEADER + 32));
  }

  /** Releases this reference (the descriptor stays open while the file is at its path). */
  @Override
  public void close() {
    shm.close();
  }
}
