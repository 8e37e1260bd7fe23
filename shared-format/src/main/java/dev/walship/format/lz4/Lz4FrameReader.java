package dev.walship.format.lz4;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Objects;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.StreamingXXHash32;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Decodes LZ4 frames for {@link Lz4#decompressing}, accepting and refusing exactly what lz4-java's
 * {@code LZ4FrameInputStream} does, but reusing its buffers from stream to stream. {@code
 * LZ4FrameInputStream} allocates and zeroes its buffers per stream (the block buffer grows to 255
 * times the first compressed block, up to the frame's maximum block size), and a caller adds a
 * buffered stream under it; the server validates every uploaded WAL segment, a few KiB each, and at
 * hundreds a second that allocating cost a quarter of its SFTP threads' CPU. lz4-java still does
 * the work: {@link LZ4SafeDecompressor} decodes blocks, {@link XXHash32} checks checksums.
 *
 * <p>One reader per thread ({@link #open}); a stream borrows it and gives it back when it ends,
 * fails or is closed. A thread that opens a second stream while its first is still going gets a
 * fresh reader, which then becomes the thread's. The reader buffers its input itself (reads of at
 * most {@value #READ_CHUNK} bytes; a frame stream is read to its end anyway), so callers need no
 * buffered stream under it; a stored block is served straight from that input buffer.
 *
 * <p>Hostile input (an upload from a compromised client) is expected: no length is trusted. The
 * input buffer grows only as bytes actually arrive, and never past one block and its checksum. A
 * block decodes into the start of the output buffer, which grows (by 4x, from what it held) only
 * when decoding fails for want of room, never past the frame's maximum block size (4 MiB at most)
 * nor 255 times the compressed block, lz4-java's own bounds. Buffers larger than {@value #KEPT}
 * bytes are dropped when the stream ends, so an idle thread keeps at most about twice that.
 *
 * <p>Frame: magic {@code 04 22 4D 18} (or a skippable frame, {@code 5X 2A 4D 18}, skipped); FLG
 * (version 01, independent blocks; block checksum, content size and content checksum optional; no
 * dictionary ID); BD (maximum block size 64 KiB..4 MiB); the content size if flagged; a header
 * checksum; blocks, each a little-endian length (high bit: stored uncompressed), its bytes and, if
 * flagged, their xxHash32; an end mark {@code 0} (lz4-java also takes {@code 0x80000000}); the
 * content's xxHash32 if flagged. Frames may follow one another; at least one must be there.
 */
final class Lz4FrameReader {
  private static final int MAGIC = 0x184D2204;
  private static final int SKIPPABLE = 0x184D2A50;
  private static final int STORED = 0x80000000;
  private static final int READ_CHUNK = 64 << 10;
  private static final int FIRST_INPUT = 16 << 10;
  private static final int FIRST_OUTPUT = 64 << 10;
  private static final int KEPT = 1 << 20;
  private static final byte[] EMPTY = new byte[0];
  private static final ThreadLocal<Lz4FrameReader> PER_THREAD = new ThreadLocal<>();

  private final LZ4SafeDecompressor decompressor = LZ4Factory.fastestInstance().safeDecompressor();
  private final XXHash32 hash = XXHashFactory.fastestInstance().hash32();
  private final StreamingXXHash32 contentHash =
      XXHashFactory.fastestInstance().newStreamingHash32(0);

  /** Lent to a stream; volatile in case that stream is read on another thread. */
  private volatile boolean lent;

  private InputStream in;
  private boolean eof;
  private byte[] input = new byte[FIRST_INPUT];
  private int inPos;
  private int inLimit;
  private long inBase; // offset in the stream of input[0]

  private byte[] decoded = EMPTY; // output buffer of compressed blocks
  private byte[] out = EMPTY; // decoded bytes of the current block: decoded or input
  private int outPos;
  private int outLimit;

  private boolean anyFrame;
  private boolean inFrame;
  private int flg;
  private int maxBlock;
  private long contentSize;
  private long produced;

  private Lz4FrameReader() {}

  /** A stream of the bytes decoded from the frames on {@code in}, with this thread's buffers. */
  static InputStream open(InputStream in) {
    Objects.requireNonNull(in, "in");
    Lz4FrameReader r = PER_THREAD.get();
    if (r == null || r.lent) {
      r = new Lz4FrameReader();
      PER_THREAD.set(r);
    }
    r.lend(in);
    return new DecodingStream(r, in);
  }

  private void lend(InputStream source) {
    lent = true;
    in = source;
    eof = false;
    inPos = inLimit = 0;
    inBase = 0;
    out = EMPTY;
    outPos = outLimit = 0;
    anyFrame = inFrame = false;
  }

  /** Called by the stream when it is done with this reader. */
  void giveBack() {
    in = null;
    out = EMPTY;
    outPos = outLimit = 0;
    if (input.length > KEPT) {
      input = new byte[FIRST_INPUT];
    }
    if (decoded.length > KEPT) {
      decoded = EMPTY;
    }
    lent = false;
  }

  /** Copies up to {@code len > 0} decoded bytes to {@code b}; -1 after the last frame. */
  int read(byte[] b, int off, int len) throws IOException {
    if (!fill()) {
      return -1;
    }
    int n = Math.min(len, outLimit - outPos);
    System.arraycopy(out, outPos, b, off, n);
    outPos += n;
    return n;
  }

  /** The next decoded byte; -1 after the last frame. */
  int read() throws IOException {
    return fill() ? out[outPos++] & 0xff : -1;
  }

  /** Skips up to {@code n > 0} decoded bytes; -1 after the last frame. */
  long skip(long n) throws IOException {
    if (!fill()) {
      return -1;
    }
    int k = (int) Math.min(n, outLimit - outPos);
    outPos += k;
    return k;
  }

  /** Decoded bytes ready without reading. */
  int available() {
    return outLimit - outPos;
  }

  /** Makes {@code out[outPos, outLimit)} non-empty; false after the last frame. */
  private boolean fill() throws IOException {
    while (outPos == outLimit) {
      if (inFrame) {
        block();
      } else if (!nextFrame()) {
        return false;
      }
    }
    return true;
  }

  /** Reads the next frame's header, skipping skippable frames; false at the end of the input. */
  private boolean nextFrame() throws IOException {
    while (true) {
      long at = offset();
      if (!request(4)) {
        if (inLimit == inPos && anyFrame) {
          return false;
        }
        throw inLimit == inPos
            ? new IOException("empty: no LZ4 frame")
            : truncated(at, "magic number");
      }
      int magic = int32(inPos);
      inPos += 4;
      if (magic == MAGIC) {
        header(at);
        anyFrame = true;
        return true;
      } else if ((magic & 0xFFFFFFF0) == SKIPPABLE) {
        skipFrame(at);
        anyFrame = true;
      } else {
        throw problem(at, "not an LZ4 frame: magic %08x, expected %08x", magic, MAGIC);
      }
    }
  }

  private void header(long at) throws IOException {
    need(2, at, "frame descriptor");
    flg = input[inPos] & 0xff;
    int bd = input[inPos + 1] & 0xff;
    if (flg >>> 6 != 1) {
      throw problem(at, "frame version %d, expected 1 (FLG %02x)", flg >>> 6, flg);
    } else if ((flg & 0x01) != 0) {
      throw problem(at, "dictionary IDs are not supported (FLG %02x)", flg);
    } else if ((flg & 0x02) != 0) {
      throw problem(at, "reserved FLG bit 1 is set (FLG %02x)", flg);
    } else if ((flg & 0x20) == 0) {
      throw problem(at, "linked blocks (lz4 -BD) are not supported (FLG %02x)", flg);
    } else if ((bd & 0x8f) != 0) {
      throw problem(at, "reserved BD bits are set (BD %02x)", bd);
    } else if (bd >>> 4 < 4) {
      throw problem(at, "block size code %d is not 4..7 (64 KiB..4 MiB) (BD %02x)", bd >>> 4, bd);
    }
    int length = hasContentSize() ? 10 : 2;
    need(length + 1, at, "frame descriptor");
    int expected = (hash.hash(input, inPos, length, 0) >>> 8) & 0xff;
    int actual = input[inPos + length] & 0xff;
    if (actual != expected) {
      throw problem(at, "frame descriptor checksum %02x != %02x", actual, expected);
    }
    contentSize = hasContentSize() ? int64(inPos + 2) : -1;
    inPos += length + 1;
    maxBlock = 1 << (2 * (bd >>> 4) + 8);
    produced = 0;
    contentHash.reset();
    inFrame = true;
  }

  private void skipFrame(long at) throws IOException {
    need(4, at, "skippable frame's length");
    long left = int32(inPos) & 0xffffffffL;
    inPos += 4;
    while (left > 0) {
      if (inPos == inLimit && !request(1)) {
        throw truncated(at, "skippable frame");
      }
      int n = (int) Math.min(left, inLimit - inPos);
      inPos += n;
      left -= n;
    }
  }

  /** Reads one block (decoding it into {@code out}) or the frame's end. */
  private void block() throws IOException {
    long at = offset();
    need(4, at, "block length");
    int word = int32(inPos);
    inPos += 4;
    int size = word & ~STORED;
    if (size == 0) {
      end(at);
      return;
    }
    if (size > maxBlock) {
      throw problem(at, "block of %d bytes > the frame's maximum block size %d", size, maxBlock);
    }
    int checksum = (flg & 0x10) != 0 ? 4 : 0;
    need(size + checksum, at, "block");
    if (checksum != 0) {
      int actual = int32(inPos + size);
      int expected = hash.hash(input, inPos, size, 0);
      if (actual != expected) {
        throw problem(at, "block checksum %08x != %08x", actual, expected);
      }
    }
    if ((word & STORED) != 0) {
      out = input;
      outPos = inPos;
      outLimit = inPos + size;
    } else {
      decode(at, size);
    }
    inPos += size + checksum;
    if ((flg & 0x04) != 0) {
      contentHash.update(out, outPos, outLimit - outPos);
    }
    produced += outLimit - outPos;
  }

  /** Decodes {@code input[inPos, inPos+size)} into {@code decoded}, growing it only as needed. */
  private void decode(long at, int size) throws IOException {
    int bound = (int) Math.min(maxBlock, 255L * size);
    if (decoded.length == 0) {
      decoded = new byte[Math.min(bound, FIRST_OUTPUT)];
    }
    while (true) {
      int room = Math.min(decoded.length, bound);
      try {
        outLimit = decompressor.decompress(input, inPos, size, decoded, 0, room);
        break;
      } catch (LZ4Exception e) {
        if (room == bound) {
          IOException x = problem(at, "block does not decode (%s)", e.getMessage());
          x.initCause(e);
          throw x;
        }
        decoded = new byte[(int) Math.min(bound, 4L * decoded.length)];
      }
    }
    out = decoded;
    outPos = 0;
  }

  private void end(long at) throws IOException {
    if ((flg & 0x04) != 0) {
      need(4, at, "content checksum");
      int actual = int32(inPos);
      inPos += 4;
      int expected = contentHash.getValue();
      if (actual != expected) {
        throw problem(at, "content checksum %08x != %08x", actual, expected);
      }
    }
    if (hasContentSize() && produced != contentSize) {
      throw problem(
          at, "%d bytes decoded != content size %d in the descriptor", produced, contentSize);
    }
    inFrame = false;
  }

  private boolean hasContentSize() {
    return (flg & 0x08) != 0;
  }

  private void need(int n, long at, String what) throws IOException {
    if (!request(n)) {
      throw truncated(at, what);
    }
  }

  /** Makes {@code n} input bytes available at {@code inPos}; false if the input ends first. */
  private boolean request(int n) throws IOException {
    while (inLimit - inPos < n) {
      if (eof) {
        return false;
      }
      if (inLimit == input.length) {
        makeRoom(n);
      }
      int r = in.read(input, inLimit, Math.min(READ_CHUNK, input.length - inLimit));
      if (r < 0) {
        eof = true;
      } else {
        inLimit += r;
      }
    }
    return true;
  }

  /**
   * Frees space after {@code inLimit}: moves the unread bytes to the front, or grows (2x, <= n).
   */
  private void makeRoom(int n) {
    int unread = inLimit - inPos;
    byte[] to = input;
    if (inPos == 0) {
      to = new byte[(int) Math.min(n, 2L * input.length)];
    }
    System.arraycopy(input, inPos, to, 0, unread);
    input = to;
    inBase += inPos;
    inPos = 0;
    inLimit = unread;
  }

  private long offset() {
    return inBase + inPos;
  }

  private int int32(int at) {
    return (input[at] & 0xff)
        | (input[at + 1] & 0xff) << 8
        | (input[at + 2] & 0xff) << 16
        | (input[at + 3] & 0xff) << 24;
  }

  private long int64(int at) {
    return (int32(at) & 0xffffffffL) | (long) int32(at + 4) << 32;
  }

  private IOException truncated(long at, String what) {
    return new IOException(
        "cut short: the input ends at byte "
            + (inBase + inLimit)
            + ", in the "
            + what
            + " at byte "
            + at);
  }

  private static IOException problem(long at, String format, Object... args) {
    return new IOException("at byte " + at + ": " + String.format(Locale.ROOT, format, args));
  }
}
