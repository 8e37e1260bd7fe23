package dev.walship.agent.restore;

import java.util.Locale;
import dev.walship.format.wal.FrameHeader;
import dev.walship.format.wal.WalFormatException;
import dev.walship.format.wal.WalHeader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Applies verified WAL frames page by page, in one pass: frames of the transaction in progress are
 * held ({@link PendingFrames}, in memory up to a bound, then in a spill file) until its commit
 * frame arrives; then each page is written at {@code (page number - 1) * page size}. At the end the
 * file takes the size the last commit frame records, and the uncommitted tail, if any, is dropped.
 */
final class PageApplier implements WalApplier {
  private static final int DB_PAGE_SIZE_OFFSET = 16;

  @Override
  public IndexSink open(Path db, Path work, int index) throws IOException {
    FileChannel channel = FileChannel.open(db, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new Sink(db, channel, new PendingFrames(work.resolve(String.format(Locale.ROOT, "%08x.pending", index))));
  }

  private static final class Sink extends OutputStream implements IndexSink {
    private final Path path;
    private final FileChannel db;
    private final PendingFrames pending;
    private byte[] buffer = new byte[WalHeader.SIZE];
    private int filled;
    private WalHeader header;
    private long commitPages;

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
      }
    }

    private void writePage(byte[] frame) throws IOException {
      long at = (FrameHeader.parse(frame, 0).pageNumber() - 1L) * header.pageSize();
      ByteBuffer page = ByteBuffer.wrap(frame, WalHeader.FRAME_HEADER_SIZE, header.pageSize());
      while (page.hasRemaining()) {
        at += db.write(page, at);
      }
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
      try (db; pending) {
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
