package dev.walship.format.validate;

import dev.walship.format.layout.Layout;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.layout.WalSegmentName;
import dev.walship.format.lz4.Lz4;
import dev.walship.format.wal.FrameHeader;
import dev.walship.format.wal.WalFormatException;
import dev.walship.format.wal.WalHeader;
import dev.walship.format.wal.WalReader;
import dev.walship.toolkit.files.KeepOpen;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Checks that a snapshot or WAL segment holds what its name promises. Streams; never buffers a
 * file.
 */
public final class ContentCheck {
  private static final byte[] SQLITE_MAGIC =
      "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
  private static final int DB_HEADER = 100;

  private ContentCheck() {}

  /**
   * Validates a WAL segment: LZ4 decodes; at offset 0 a valid WAL header comes first; then whole
   * frames whose salts equal the index header's and whose checksums chain from {@code context}.
   * Reads {@code lz4Bytes} to its end; does not close it.
   */
  public static SegmentSummary segment(
      WalSegmentName name, InputStream lz4Bytes, SegmentContext context) throws IOException {
    return segment(name, lz4Bytes, context, null);
  }

  /**
   * Like {@link #segment(WalSegmentName, InputStream, SegmentContext)}, and writes the decoded
   * bytes that verified (the header at offset 0, then each frame once it verified) to {@code sink}.
   * On failure {@code sink} holds a verified prefix. Needs the index header ({@code context} or
   * offset 0) when {@code sink} is not null.
   */
  public static SegmentSummary segment(
      WalSegmentName name, InputStream lz4Bytes, SegmentContext context, OutputStream sink)
      throws IOException {
    String what = "segment " + name.shortName();
    try (InputStream in = decoder(what, lz4Bytes)) {
      return segment(name, what, in, context, sink);
    }
  }

  private static SegmentSummary segment(
      WalSegmentName name, String what, InputStream in, SegmentContext context, OutputStream sink)
      throws IOException {
    WalHeader header = context.indexHeader();
    WalReader reader;
    long decodedHeader = 0;
    if (name.offset() == 0) {
      reader = openAtZero(what, in);
      header = reader.header();
      decodedHeader = WalHeader.SIZE;
      if (sink != null) {
        sink.write(header.toBytes());
      }
    } else if (header == null) {
      if (sink != null) {
        throw new IllegalArgumentException(what + ": cannot copy frames without the index header");
      }
      long n = in.transferTo(OutputStream.nullOutputStream());
      if (n == 0) {
        throw new ValidationException(what, "empty (0 bytes after LZ4 decoding)");
      }
      return new SegmentSummary(name.offset(), n, 0, -1, null, null);
    } else {
      if (!Layout.isFrameAligned(name.offset(), header.pageSize())) {
        throw new ValidationException(
            what,
            "offset 0x"
                + Long.toHexString(name.offset())
                + " is not frame-aligned for page size "
                + header.pageSize());
      }
      reader = WalReader.continuing(in, header, name.offset(), context.startChecksum());
    }
    return readFrames(what, name.offset(), decodedHeader, reader, sink);
  }

  private static WalReader openAtZero(String what, InputStream in) throws IOException {
    try {
      return WalReader.open(in);
    } catch (WalFormatException e) {
      throw new ValidationException(what, e.getMessage(), e);
    }
  }

  private static SegmentSummary readFrames(
      String what, long offset, long decodedHeader, WalReader reader, OutputStream sink)
      throws IOException {
    long frames = 0;
    long lastCommitEnd = -1;
    while (reader.next()) {
      frames++;
      if (sink != null) {
        sink.write(reader.frame());
      }
      FrameHeader f = reader.frameHeader();
      if (f.isCommit()) {
        lastCommitEnd = reader.offset();
      }
    }
    if (reader.stop() == WalReader.Stop.INVALID_FRAME) {
      throw new ValidationException(
          what, "frame " + (reader.frameNumber() + 1) + " " + reader.problem().detail());
    }
    if (reader.stop() == WalReader.Stop.SHORT_FRAME) {
      throw new ValidationException(what, "not whole frames: " + reader.stopDetail());
    }
    if (frames == 0 && offset != 0) {
      throw new ValidationException(what, "empty (0 bytes after LZ4 decoding)");
    }
    long decoded = decodedHeader + frames * reader.header().frameSize();
    return new SegmentSummary(
        offset, decoded, frames, lastCommitEnd, reader.header(), reader.checksum());
  }

  /**
   * Validates a snapshot: LZ4 decodes to a SQLite database file: the header's magic, a valid page
   * size, a whole number of pages (at least one), and no fewer pages than the header counts. Reads
   * {@code lz4Bytes} to its end; does not close it.
   */
  public static SnapshotSummary snapshot(SnapshotName name, InputStream lz4Bytes)
      throws IOException {
    return snapshot(name, lz4Bytes, OutputStream.nullOutputStream());
  }

  /**
   * Like {@link #snapshot(SnapshotName, InputStream)}, and writes the decoded database file to
   * {@code sink} as it goes. On failure {@code sink} holds a prefix; discard it.
   */
  public static SnapshotSummary snapshot(SnapshotName name, InputStream lz4Bytes, OutputStream sink)
      throws IOException {
    String what = "snapshot " + name.fileName();
    try (InputStream in = decoder(what, lz4Bytes)) {
      return snapshot(what, in, sink);
    }
  }

  private static SnapshotSummary snapshot(String what, InputStream in, OutputStream sink)
      throws IOException {
    byte[] h = in.readNBytes(DB_HEADER);
    if (h.length < DB_HEADER) {
      throw new ValidationException(
          what, h.length + " bytes, expected at least the 100-byte database header");
    }
    if (!Arrays.equals(h, 0, SQLITE_MAGIC.length, SQLITE_MAGIC, 0, SQLITE_MAGIC.length)) {
      throw new ValidationException(what, "not a SQLite database (no 'SQLite format 3' magic)");
    }
    int pageSize = ((h[16] & 0xff) << 8) | (h[17] & 0xff);
    if (pageSize == 1) {
      pageSize = 65536;
    }
    if (!WalHeader.validPageSize(pageSize)) {
      throw new ValidationException(
          what, "page size " + pageSize + " is not a power of two in 512..65536");
    }
    sink.write(h);
    long length = DB_HEADER + in.transferTo(sink);
    if (length % pageSize != 0) {
      throw new ValidationException(
          what, length + " bytes is not a whole number of " + pageSize + "-byte pages");
    }
    long pages = length / pageSize;
    long headerPages = int32(h, 92) == int32(h, 24) ? int32(h, 28) & 0xffffffffL : 0;
    if (headerPages > pages) {
      throw new ValidationException(
          what,
          "truncated: the database header counts "
              + headerPages
              + " pages, the file holds "
              + pages);
    }
    return new SnapshotSummary(pageSize, pages, headerPages);
  }

  /**
   * The decoded stream; a read that fails (damaged frame, or the source failing) becomes a
   * ValidationException naming the file. Errors of the caller's sink pass through unchanged.
   * Closing it leaves {@code lz4Bytes} open and gives the decoder's buffers back to this thread
   * when validation stopped before the end.
   */
  private static InputStream decoder(String what, InputStream lz4Bytes) throws IOException {
    try {
      return new Lz4Errors(what, Lz4.decompressing(KeepOpen.input(lz4Bytes)));
    } catch (IOException e) {
      throw new ValidationException(what, "LZ4: " + e.getMessage(), e);
    }
  }

  /** Labels read failures of the decoder with the file they happened in. */
  private static final class Lz4Errors extends FilterInputStream {
    private final String what;

    Lz4Errors(String what, InputStream in) {
      super(in);
      this.what = what;
    }

    @Override
    public int read() throws IOException {
      try {
        return in.read();
      } catch (ValidationException e) {
        throw e;
      } catch (IOException e) {
        throw new ValidationException(what, "LZ4: " + e.getMessage(), e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return in.read(b, off, len);
      } catch (ValidationException e) {
        throw e;
      } catch (IOException e) {
        throw new ValidationException(what, "LZ4: " + e.getMessage(), e);
      }
    }
  }

  private static int int32(byte[] b, int off) {
    return ((b[off] & 0xff) << 24)
        | ((b[off + 1] & 0xff) << 16)
        | ((b[off + 2] & 0xff) << 8)
        | (b[off + 3] & 0xff);
  }
}
