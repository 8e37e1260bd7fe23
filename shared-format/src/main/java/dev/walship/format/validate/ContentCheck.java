package dev.walship.format.validate;

import dev.walship.format.layout.Layout;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.layout.WalSegmentName;
import dev.walship.format.lz4.Lz4;
import dev.walship.format.wal.FrameHeader;
import dev.walship.format.wal.WalFormatException;
import dev.walship.format.wal.WalHeader;
import dev.walship.format.wal.WalReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Checks that a snapshot or WAL segment holds what its name promises. Streams; never buffers a file. */
public final class ContentCheck {
  private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
  private static final int DB_HEADER = 100;

  private ContentCheck() {}

  /**
   * Validates a WAL segment: LZ4 decodes; at offset 0 a valid WAL header comes first; then whole
   * frames whose salts equal the index header's and whose checksums chain from {@code context}.
   * Reads {@code lz4Bytes} to its end; does not close it.
   */
  public static SegmentSummary segment(
      WalSegmentName name, InputStream lz4Bytes, SegmentContext context) throws IOException {
    String what = "segment " + name.shortName();
    InputStream in = decoder(what, lz4Bytes);
    try {
      WalHeader header = context.indexHeader();
      WalReader reader;
      long decodedHeader = 0;
      if (name.offset() == 0) {
        reader = openAtZero(what, in);
        header = reader.header();
        decodedHeader = WalHeader.SIZE;
      } else if (header == null) {
        long n = in.transferTo(OutputStream.nullOutputStream());
        if (n == 0) {
          throw new ValidationException(what + ": empty (0 bytes after LZ4 decoding)");
        }
        return new SegmentSummary(name.offset(), n, 0, -1, null, null);
      } else {
        if (!Layout.isFrameAligned(name.offset(), header.pageSize())) {
          throw new ValidationException(
              what + ": offset 0x" + Long.toHexString(name.offset())
                  + " is not frame-aligned for page size " + header.pageSize());
        }
        reader = WalReader.continuing(in, header, name.offset(), context.startChecksum());
      }
      return readFrames(what, name.offset(), decodedHeader, reader);
    } catch (ValidationException e) {
      throw e;
    } catch (IOException e) {
      throw new ValidationException(what + ": LZ4: " + e.getMessage(), e);
    }
  }

  private static WalReader openAtZero(String what, InputStream in) throws IOException {
    try {
      return WalReader.open(in);
    } catch (WalFormatException e) {
      throw new ValidationException(what + ": " + e.getMessage(), e);
    }
  }

  private static SegmentSummary readFrames(
      String what, long offset, long decodedHeader, WalReader reader) throws IOException {
    long frames = 0;
    long lastCommitEnd = -1;
    while (reader.next()) {
      frames++;
      FrameHeader f = reader.frameHeader();
      if (f.isCommit()) {
        lastCommitEnd = reader.offset();
      }
    }
    if (reader.stop() == WalReader.Stop.INVALID_FRAME) {
      throw new ValidationException(
          what + ": frame " + (reader.frameNumber() + 1) + " " + reader.problem().detail());
    }
    if (reader.stop() == WalReader.Stop.SHORT_FRAME) {
      throw new ValidationException(what + ": not whole frames: " + reader.stopDetail());
    }
    if (frames == 0 && offset != 0) {
      throw new ValidationException(what + ": empty (0 bytes after LZ4 decoding)");
    }
    long decoded = decodedHeader + frames * reader.header().frameSize();
    return new SegmentSummary(
        offset, decoded, frames, lastCommitEnd, reader.header(), reader.checksum());
  }

  /**
   * Validates a snapshot: LZ4 decodes to a SQLite database file: the header's magic, a valid page
   * size, a whole number of pages (at least one), and no fewer pages than the header counts.
   * Reads {@code lz4Bytes} to its end; does not close it.
   */
  public static SnapshotSummary snapshot(SnapshotName name, InputStream lz4Bytes)
      throws IOException {
    String what = "snapshot " + name.fileName();
    InputStream in = decoder(what, lz4Bytes);
    try {
      byte[] h = in.readNBytes(DB_HEADER);
      if (h.length < DB_HEADER) {
        throw new ValidationException(
            what + ": " + h.length + " bytes, expected at least the 100-byte database header");
      }
      if (!Arrays.equals(h, 0, SQLITE_MAGIC.length, SQLITE_MAGIC, 0, SQLITE_MAGIC.length)) {
        throw new ValidationException(what + ": not a SQLite database (no 'SQLite format 3' magic)");
      }
      int pageSize = ((h[16] & 0xff) << 8) | (h[17] & 0xff);
      if (pageSize == 1) {
        pageSize = 65536;
      }
      if (!WalHeader.validPageSize(pageSize)) {
        throw new ValidationException(what + ": page size " + pageSize + " is not a power of two in 512..65536");
      }
      long length = DB_HEADER + in.transferTo(OutputStream.nullOutputStream());
      if (length % pageSize != 0) {
        throw new ValidationException(
            what + ": " + length + " bytes is not a whole number of " + pageSize + "-byte pages");
      }
      long pages = length / pageSize;
      long headerPages = int32(h, 92) == int32(h, 24) ? int32(h, 28) & 0xffffffffL : 0;
      if (headerPages > pages) {
        throw new ValidationException(
            what + ": truncated: the database header counts " + headerPages + " pages, the file holds " + pages);
      }
      return new SnapshotSummary(pageSize, pages, headerPages);
    } catch (ValidationException e) {
      throw e;
    } catch (IOException e) {
      throw new ValidationException(what + ": LZ4: " + e.getMessage(), e);
    }
  }

  private static InputStream decoder(String what, InputStream lz4Bytes) throws IOException {
    try {
      return Lz4.decompressing(new NonClosing(lz4Bytes));
    } catch (IOException e) {
      throw new ValidationException(what + ": LZ4: " + e.getMessage(), e);
    }
  }

  private static int int32(byte[] b, int off) {
    return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
  }

  /** Keeps the caller's stream open when the decoder is done with it. */
  private static final class NonClosing extends FilterInputStream {
    NonClosing(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }
}
