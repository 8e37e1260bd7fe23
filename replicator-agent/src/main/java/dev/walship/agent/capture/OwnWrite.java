package dev.walship.agent.capture;

import dev.walship.format.wal.FrameChain;
import dev.walship.format.wal.FrameHeader;
import dev.walship.format.wal.WalHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * What capture's own no-op write ({@code PRAGMA user_version = <its value>}, made while capture
 * holds the write lock and has copied every frame) leaves in the WAL when it restarts it: a new
 * cycle whose frame 1 is page 1 with SQLite's file change counter one above {@code counter}, the
 * counter of the newest committed page 1 before the write. Any later writer reads that page and
 * writes a higher counter, so a cycle starting with this frame can only be the one capture began.
 *
 * @param previous the WAL cycle before the write, or null when the WAL had none
 * @param counter the file change counter of the newest committed page 1 before the write
 */
record OwnWrite(WalHeader previous, int counter) {

  /** The file change counter in the database file's header (bytes 24-27). */
  static int fileCounter(DatabaseFile db) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4);
    if (db.read(b, 24) < 4) {
      throw new IOException(db.path() + " is shorter than a database header");
    }
    return b.getInt(0);
  }

  /** True when the cycle {@code header} of {@code wal} begins with capture's write. */
  boolean began(WalHeader header, FileChannel wal) throws IOException {
    if (previous != null && header.sameSalts(previous)) {
      return false;
    }
    byte[] frame = new byte[header.frameSize()];
    if (FrameRun.readFully(wal, ByteBuffer.wrap(frame), WalHeader.SIZE) < frame.length) {
      return false;
    }
    if (new FrameChain(header).check(frame, 0) != null) {
      return false;
    }
    FrameHeader f = FrameHeader.parse(frame, 0);
    if (f.pageNumber() != 1 || !f.isCommit()) {
      return false;
    }
    ByteBuffer page =
        ByteBuffer.wrap(frame, WalHeader.FRAME_HEADER_SIZE, header.pageSize()).slice();
    return page.getInt(24) == counter + 1 && page.getInt(92) == counter + 1;
  }
}
