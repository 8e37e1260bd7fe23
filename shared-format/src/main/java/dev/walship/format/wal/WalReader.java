package dev.walship.format.wal;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a WAL, or a run of its frames, from a stream, frame by frame, the way SQLite's recovery
 * does: {@link #next()} stops at the first frame that is cut short or whose salts, page number or
 * checksum fail, and {@link #stop()} then says why. Frames after the last commit frame belong to a
 * transaction that may still be in flight; {@link #scan} reports where the committed part ends.
 *
 * <p>The frame buffer is reused: {@link #frame()} is valid until the next call to {@link #next()}.
 */
public final class WalReader {
  /** Why reading stopped. */
  public enum Stop {
    /** Still reading. */
    NONE,
    /** Clean end of input at a frame boundary. */
    END,
    /** The input ends inside a frame. */
    SHORT_FRAME,
    /** A frame failed the salt, page-number or checksum check; see {@link #problem()}. */
    INVALID_FRAME
  }

  private final InputStream in;
  private final FrameChain chain;
  private final byte[] frame;
  private long frameNumber;
  private long offset;
  private Stop stop = Stop.NONE;
  private FrameProblem problem;
  private int shortBytes;

  private WalReader(InputStream in, FrameChain chain, long startOffset) {
    this.in = in;
    this.chain = chain;
    this.frame = new byte[chain.header().frameSize()];
    this.offset = startOffset;
    this.frameNumber =
        startOffset <= WalHeader.SIZE
            ? 0
            : (startOffset - WalHeader.SIZE) / chain.header().frameSize();
  }

  /**
   * A reader of a whole WAL: reads and verifies the 32-byte header first.
   *
   * @throws WalFormatException when the stream does not start with a valid WAL header
   */
  public static WalReader open(InputStream in) throws IOException {
    byte[] h = new byte[WalHeader.SIZE];
    int n = in.readNBytes(h, 0, h.length);
    if (n < h.length) {
      throw new WalFormatException("WAL header: " + n + " bytes, expected " + WalHeader.SIZE);
    }
    return new WalReader(in, new FrameChain(WalHeader.parse(h, 0)), WalHeader.SIZE);
  }

  /**
   * A reader of frames only, starting at WAL offset {@code offset} (a frame boundary) of the WAL
   * cycle {@code header}, continuing the checksum chain from {@code checksum} (null: unknown, see
   * {@link FrameChain#FrameChain(WalHeader, WalChecksum)}).
   */
  public static WalReader continuing(
      InputStream in, WalHeader header, long offset, WalChecksum checksum) {
    if (offset < WalHeader.SIZE || (offset - WalHeader.SIZE) % header.frameSize() != 0) {
      throw new IllegalArgumentException(
          "offset " + offset + " is not a frame boundary for page size " + header.pageSize());
    }
    return new WalReader(in, new FrameChain(header, checksum), offset);
  }

  public WalHeader header() {
    return chain.header();
  }

  /**
   * Reads and verifies the next frame.
   *
   * @return true when a valid frame was read; false when reading stopped ({@link #stop()} says why)
   */
  public boolean next() throws IOException {
    if (stop != Stop.NONE) {
      return false;
    }
    int n = in.readNBytes(frame, 0, frame.length);
    if (n == 0) {
      stop = Stop.END;
      return false;
    }
    if (n < frame.length) {
      stop = Stop.SHORT_FRAME;
      shortBytes = n;
      return false;
    }
    FrameProblem p = chain.check(frame, 0);
    if (p != null) {
      stop = Stop.INVALID_FRAME;
      problem = p;
      return false;
    }
    frameNumber++;
    offset += frame.length;
    return true;
  }

  /** The frame just read: 24-byte header then the page. Overwritten by the next call. */
  public byte[] frame() {
    return frame;
  }

  /** The header of the frame just read. */
  public FrameHeader frameHeader() {
    return FrameHeader.parse(frame, 0);
  }

  /** The 1-based number of the frame just read, counted from the start of the WAL. */
  public long frameNumber() {
    return frameNumber;
  }

  /** WAL offset just past the last valid frame. */
  public long offset() {
    return offset;
  }

  /** The cumulative checksum after the last valid frame. */
  public WalChecksum checksum() {
    return chain.checksum();
  }

  public Stop stop() {
    return stop;
  }

  /** What was wrong with the frame that stopped the reader, for {@link Stop#INVALID_FRAME}. */
  public FrameProblem problem() {
    return problem;
  }

  /** Why reading stopped, in words, or null while reading. */
  public String stopDetail() {
    return switch (stop) {
      case NONE -> null;
      case END -> "end of input";
      case SHORT_FRAME ->
          "frame "
              + (frameNumber + 1)
              + " cut short: "
              + shortBytes
              + " of "
              + frame.length
              + " bytes";
      case INVALID_FRAME -> "frame " + (frameNumber + 1) + " " + problem.detail();
    };
  }

  /**
   * Reads a whole WAL and summarizes it. The stream is read to the first invalid frame, not closed.
   */
  public static WalScan scan(InputStream in) throws IOException {
    WalReader r = open(in);
    long commitFrame = 0;
    long commitEnd = WalHeader.SIZE;
    int commitDbSize = 0;
    WalChecksum commitChecksum = r.header().checksum();
    while (r.next()) {
      FrameHeader f = r.frameHeader();
      if (f.isCommit()) {
        commitFrame = r.frameNumber();
        commitEnd = r.offset();
        commitDbSize = f.commitSize();
        commitChecksum = r.checksum();
      }
    }
    return new WalScan(
        r.header(),
        r.frameNumber(),
        commitFrame,
        commitEnd,
        commitDbSize,
        commitChecksum,
        r.stop(),
        r.stopDetail());
  }
}
