package dev.walship.agent.restore;

import dev.walship.format.wal.FrameHeader;
import dev.walship.format.wal.WalFormatException;
import dev.walship.format.wal.WalHeader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Applies verified WAL frames page by page, in one pass: frames of the transaction in progress are
 * held ({@link PendingFrames}, in memory up to a bound, then in a spill file) until its commit
 * frame arrives; then each page is written at {@code (page number - 1) * page size}, in frame
 * order, runs of adjacent pages with one write each (a transaction that appends rows writes mostly
 * adjacent pages: a thousand pages then cost tens of system calls, not a thousand). At the end the
 * file takes the size the last commit frame records, and the uncommitted tail, if any, is dropped.
 */
final class PageApplier implements WalApplier {
  private static final int DB_PAGE_SIZE_OFFSET = 16;

  /** Bytes of adjacent pages written with one system call (16 pages of the largest size). */
  static final int RUN_BYTES = 1 << 20;

  @Override
  public IndexSink open(Path db, Path work, int index) throws IOException {
    FileChannel channel = FileChannel.open(db, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new Sink(
        db,
        channel,
        new PendingFrames(work.resolve(String.format(Locale.ROOT, "%08x.pending", index))));
  }

  private static final class Sink extends OutputStream implements IndexSink {
    private final Path path;
    private final FileChannel db;
    private final PendingFrames pending;
    private byte[] buffer = new byte[WalHeader.SIZE];
    private int filled;
    private WalHeader header;
    private long commitPages;

    /** Pages of the committed transaction being written that follow each other in the file. */
    private final ByteBuffer run = ByteBuffer.allocateDirect(RUN_BYTES);

    /** The file offset of the run's first page, or -1 when the run is empty. */
    private long runStart = -1;

    Sink(Path path, FileChannel db, PendingFrames pending) {
      this.path = path;
      this.db = db;
      this.pending = pending;
    }

    @Override
    public OutputStream out() {
      return this;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        int n = Math.min(len, buffer.length - filled);
        System.arraycopy(b, off, buffer, filled, n);
        filled += n;
        off += n;
        len -= n;
        if (filled == buffer.length) {
          unit();
          filled = 0;
        }
      }
    }

    /** A whole header or frame is in the buffer. */
    private void unit() throws IOException {
      if (header == null) {
        header = WalHeader.parse(buffer, 0);
        checkPageSize(db, header.pageSize(), path);
        buffer = new byte[header.frameSize()];
        return;
      }
      pending.add(buffer);
      FrameHeader f = FrameHeader.parse(buffer, 0);
      if (f.isCommit()) {
        commitPages = f.commitSize() & 0xffffffffL;
        pending.drain(this::writePage);
        flushRun();
      }
    }

    /**
     * Adds the frame's page to the run of adjacent pages, writing the run first if it is not
     * adjacent.
     */
    private void writePage(byte[] frame) throws IOException {
      int pageSize = header.pageSize();
      long at = (FrameHeader.parse(frame, 0).pageNumber() - 1L) * pageSize;
      if (runStart >= 0 && (at != runStart + run.position() || run.remaining() < pageSize)) {
        flushRun();
      }
      if (runStart < 0) {
        runStart = at;
      }
      run.put(frame, WalHeader.FRAME_HEADER_SIZE, pageSize);
    }

    /** Writes the run of adjacent pages with one write; frames are written in their order. */
    private void flushRun() throws IOException {
      run.flip();
      long at = runStart;
      while (run.hasRemaining()) {
        at += db.write(run, at);
      }
      run.clear();
      runStart = -1;
    }

    @Override
    public void finish() throws IOException {
      if (filled != 0) {
        throw new WalFormatException(path + ": WAL ends inside a frame (" + filled + " bytes)");
      }
      if (commitPages > 0 && db.size() > commitPages * header.pageSize()) {
        db.truncate(commitPages * header.pageSize());
      }
    }

    @Override
    public void close() throws IOException {
      try (db;
          pending) {
        // both released
      }
    }
  }

  static void checkPageSize(FileChannel db, int walPageSize, Path path) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(2);
    if (db.read(b, DB_PAGE_SIZE_OFFSET) != 2) {
      throw new IOException(path + ": too short for a database header");
    }
    int dbPageSize = b.getShort(0) & 0xffff;
    if (dbPageSize == 1) {
      dbPageSize = 65536;
    }
    if (dbPageSize != walPageSize) {
      throw new IOException(
          path + ": page size " + dbPageSize + " != the WAL's page size " + walPageSize);
    }
  }
}
