package dev.walship.agent.capture;

import dev.walship.format.wal.FrameChain;
import dev.walship.format.wal.FrameHeader;
import dev.walship.format.wal.WalChecksum;
import dev.walship.format.wal.WalHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Reads the committed frames of one WAL cycle from a file (the live WAL or a shadow copy), from a
 * frame boundary on, continuing the checksum chain. Only frames up to the last valid commit frame
 * count: what follows may be a transaction in flight. A cheap first pass looks at frame headers
 * only, so a large transaction that is still being written costs little until it commits.
 */
final class FrameRun {
  private static final int CHUNK = 1 << 20;

  /**
   * Receives every verified frame, committed or not: whole frames, a run of them at a time (one
   * write per chunk read, not one per frame), with the WAL offset of the first.
   */
  interface Sink {
    void frames(long offset, byte[] buf, int off, int len) throws IOException;
  }

  /**
   * What a read found.
   *
   * @param end offset just past the last commit frame read ({@code from} when none)
   * @param checksum the chain's checksum at {@code end}
   * @param updates pairs (page number, page hash) of the committed frames, in order
   * @param commitSizes the database size in pages after each commit frame of {@code updates}, as
   *     (index into updates pairs, size) pairs
   * @param frames committed frames read
   * @param page1Counter the file change counter of the last committed page-1 frame, or -1
   * @param lastFrame the last committed frame, or null when none was read
   */
  record Result(
      long end,
      WalChecksum checksum,
      long[] updates,
      long[] commitSizes,
      int frames,
      int page1Counter,
      byte[] lastFrame) {
    /** The database size in pages after the last commit, or -1 when nothing committed. */
    int dbPages() {
      return commitSizes.length == 0 ? -1 : (int) commitSizes[commitSizes.length - 1];
    }

    /** Replays the committed frames onto {@code image}. */
    void applyTo(PageImage image) {
      int c = 0;
      for (int i = 0; i < updates.length / 2; i++) {
        image.set((int) updates[2 * i], updates[2 * i + 1]);
        while (c < commitSizes.length && commitSizes[c] == i) {
          image.commit((int) commitSizes[c + 1]);
          c += 2;
        }
      }
    }
  }

  private FrameRun() {}

  /** A run from the first frame of the cycle {@code header}. */
  static Result fromStart(FileChannel ch, WalHeader header, Sink sink) throws IOException {
    return read(ch, header, WalHeader.SIZE, header.checksum(), sink);
  }

  /**
   * Reads from {@code from} (a frame boundary, reached with chain checksum {@code checksum}) to the
   * last valid commit frame.
   */
  static Result read(FileChannel ch, WalHeader header, long from, WalChecksum checksum, Sink sink)
      throws IOException {
    long candidate = lastCommitCandidate(ch, header, from);
    if (candidate == from) {
      return new Result(from, checksum, new long[0], new long[0], 0, -1, null);
    }
    return verify(ch, header, from, candidate, checksum, sink);
  }

  /**
   * Offset past the last frame at or after {@code from} that has the cycle's salts and a commit
   * size.
   */
  static long lastCommitCandidate(FileChannel ch, WalHeader header, long from) throws IOException {
    int frameSize = header.frameSize();
    long size = ch.size();
    long last = from;
    byte[] h = new byte[WalHeader.FRAME_HEADER_SIZE];
    for (long off = from; off + frameSize <= size; off += frameSize) {
      if (readFully(ch, ByteBuffer.wrap(h), off) < h.length) {
        break;
      }
      FrameHeader f = FrameHeader.parse(h, 0);
      if (f.salt1() != header.salt1() || f.salt2() != header.salt2()) {
        break;
      }
      if (f.isCommit()) {
        last = off + frameSize;
      }
    }
    return last;
  }

  private static Result verify(
      FileChannel ch, WalHeader header, long from, long to, WalChecksum checksum, Sink sink)
      throws IOException {
    int frameSize = header.frameSize();
    int perChunk = Math.max(1, CHUNK / frameSize);
    // sized to what is read: a capture cycle usually reads a few frames, and a 1 MiB buffer
    // allocated (and zeroed) per cycle cost more than the rest of the cycle (measured)
    byte[] buf = new byte[(int) Math.min((long) perChunk * frameSize, to - from)];
    FrameChain chain = new FrameChain(header, checksum);
    Acc acc = new Acc(from, checksum);
    long off = from;
    while (off < to) {
      int want = (int) Math.min(buf.length, to - off);
      int got = readFully(ch, ByteBuffer.wrap(buf, 0, want), off);
      int frames = got / frameSize;
      int valid = 0;
      while (valid < frames && chain.check(buf, valid * frameSize) == null) {
        int at = valid * frameSize;
        acc.frame(buf, at, frameSize, off + at + frameSize, chain.checksum());
        valid++;
      }
      if (sink != null && valid > 0) {
        sink.frames(off, buf, 0, valid * frameSize);
      }
      if (valid < frames) {
        return acc.result();
      }
      if (frames * frameSize < want) {
        break;
      }
      off += (long) frames * frameSize;
    }
    return acc.result();
  }

  /** True when the bytes of {@code ch} just before {@code end} are {@code frame}. */
  static boolean endsWith(FileChannel ch, long end, byte[] frame) throws IOException {
    byte[] b = new byte[frame.length];
    return readFully(ch, ByteBuffer.wrap(b), end - b.length) == b.length && Arrays.equals(b, frame);
  }

  static int readFully(FileChannel ch, ByteBuffer dst, long pos) throws IOException {
    int total = 0;
    while (dst.hasRemaining()) {
      int n = ch.read(dst, pos + total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  /** Accumulates frames, keeping only what the last commit frame confirms. */
  private static final class Acc {
    private long[] updates = new long[64];
    private int n;
    private long[] commits = new long[8];
    private int c;
    private int committedPairs;
    private int committedCommits;
    private long end;
    private WalChecksum checksum;
    private int frames;
    private int page1 = -1;
    private int pendingPage1 = -1;
    private byte[] lastFrame;

    Acc(long from, WalChecksum checksum) {
      this.end = from;
      this.checksum = checksum;
    }

    void frame(byte[] b, int at, int frameSize, long after, WalChecksum sum) {
      FrameHeader f = FrameHeader.parse(b, at);
      int pageOff = at + WalHeader.FRAME_HEADER_SIZE;
      int pageSize = frameSize - WalHeader.FRAME_HEADER_SIZE;
      if (n + 2 > updates.length) {
        updates = Arrays.copyOf(updates, updates.length * 2);
      }
      updates[n++] = f.pageNumber() & 0xffffffffL;
      updates[n++] = PageImage.hash(b, pageOff, pageSize);
      if (f.pageNumber() == 1) {
        pendingPage1 = ByteBuffer.wrap(b, pageOff + 24, 4).getInt();
      }
      if (f.isCommit()) {
        if (c + 2 > commits.length) {
          commits = Arrays.copyOf(commits, commits.length * 2);
        }
        commits[c++] = n / 2 - 1;
        commits[c++] = f.commitSize() & 0xffffffffL;
        committedPairs = n;
        committedCommits = c;
        frames = n / 2;
        end = after;
        checksum = sum;
        if (pendingPage1 >= 0) {
          page1 = pendingPage1;
        }
        lastFrame = Arrays.copyOfRange(b, at, at + frameSize);
      }
    }

    Result result() {
      return new Result(
          end,
          checksum,
          Arrays.copyOf(updates, committedPairs),
          Arrays.copyOf(commits, committedCommits),
          frames,
          page1,
          lastFrame);
    }
  }
}
