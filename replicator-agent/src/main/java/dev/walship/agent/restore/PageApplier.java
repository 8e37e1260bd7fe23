package dev.walship.agent.restore;

import dev.walship.format.wal.FrameHeader;
import dev.walship.format.wal.WalHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Applies a verified WAL page by page: for every frame up to the last commit, its page is written
 * at {@code (page number - 1) * page size}; then the file takes the size the last commit frame
 * records. Later frames of a page overwrite earlier ones, so the file ends in the committed state.
 */
final class PageApplier implements WalApplier {
  private static final int DB_PAGE_SIZE_OFFSET = 16;

  @Override
  public void apply(Path db, Path wal, long commitEnd) throws IOException {
    try (FileChannel in = FileChannel.open(wal, StandardOpenOption.READ);
        FileChannel out = FileChannel.open(db, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer hb = ByteBuffer.allocate(WalHeader.SIZE);
      readFully(in, hb, 0);
      WalHeader header = WalHeader.parse(hb.array(), 0);
      int pageSize = header.pageSize();
      checkPageSize(out, pageSize, db);
      ByteBuffer frame = ByteBuffer.allocate(header.frameSize());
      long commitPages = 0;
      for (long off = WalHeader.SIZE; off < commitEnd; off += header.frameSize()) {
        frame.clear();
        readFully(in, frame, off);
        FrameHeader f = FrameHeader.parse(frame.array(), 0);
        frame.position(WalHeader.FRAME_HEADER_SIZE);
        long at = (f.pageNumber() - 1L) * pageSize;
        while (frame.hasRemaining()) {
          at += out.write(frame, at);
        }
        if (f.isCommit()) {
          commitPages = f.commitSize() & 0xffffffffL;
        }
      }
      if (commitPages > 0 && out.size() > commitPages * pageSize) {
        out.truncate(commitPages * pageSize);
      }
    }
  }

  private static void checkPageSize(FileChannel db, int walPageSize, Path path) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(2);
    readFully(db, b, DB_PAGE_SIZE_OFFSET);
    int dbPageSize = b.getShort(0) & 0xffff;
    if (dbPageSize == 1) {
      dbPageSize = 65536;
    }
    if (dbPageSize != walPageSize) {
      throw new IOException(
          path + ": page size " + dbPageSize + " != the WAL's page size " + walPageSize);
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
    long at = position;
    while (b.hasRemaining()) {
      int n = ch.read(b, at);
      if (n < 0) {
        throw new IOException("unexpected end of file at offset " + at);
      }
      at += n;
    }
    b.flip();
  }
}
