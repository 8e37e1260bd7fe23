package dev.walship.format.wal;

/**
 * The running verification state of one WAL cycle: its header and the cumulative checksum so far. A
 * frame is valid when its page number is not 0, its salts equal the header's, and the checksum it
 * stores equals the chain's checksum over its first 8 header bytes and its page. Only a valid frame
 * advances the chain. Not thread-safe.
 */
public final class FrameChain {
  private final WalHeader header;
  private WalChecksum checksum;
  private long frames;

  /** A chain at the start of a WAL: it continues from the header's checksum. */
  public FrameChain(WalHeader header) {
    this(header, header.checksum());
  }

  /**
   * A chain resumed mid-WAL, after a frame whose stored checksum was {@code checksum}. When {@code
   * checksum} is null (unknown), the first frame's checksum cannot be verified: the chain adopts
   * the checksum it stores and verifies every frame after it.
   */
  public FrameChain(WalHeader header, WalChecksum checksum) {
    this.header = header;
    this.checksum = checksum;
  }

  public WalHeader header() {
    return header;
  }

  /** The checksum of the last valid frame (or of the header). */
  public WalChecksum checksum() {
    return checksum;
  }

  /** Frames accepted so far. */
  public long frames() {
    return frames;
  }

  /**
   * Checks the frame in {@code b[off, off + header.frameSize())} and, when it is valid, advances.
   *
   * @return null when valid, else what is wrong with it
   */
  public FrameProblem check(byte[] b, int off) {
    FrameHeader f = FrameHeader.parse(b, off);
    if (f.salt1() != header.salt1() || f.salt2() != header.salt2()) {
      return new FrameProblem(
          FrameProblem.Kind.SALT,
          "salt "
              + Bytes.hex(f.salt1())
              + "/"
              + Bytes.hex(f.salt2())
              + " != header salt "
              + Bytes.hex(header.salt1())
              + "/"
              + Bytes.hex(header.salt2()));
    }
    if (f.pageNumber() == 0) {
      return new FrameProblem(FrameProblem.Kind.PAGE_NUMBER, "page number 0");
    }
    if (checksum == null) {
      checksum = f.checksum();
      frames++;
      return null;
    }
    boolean be = header.bigEndianChecksums();
    WalChecksum c =
        checksum
            .update(be, b, off, 8)
            .update(be, b, off + WalHeader.FRAME_HEADER_SIZE, header.pageSize());
    if (c.s1() != f.checksum1() || c.s2() != f.checksum2()) {
      return new FrameProblem(
          FrameProblem.Kind.CHECKSUM, "checksum " + f.checksum() + " != computed " + c);
    }
    checksum = c;
    frames++;
    return null;
  }
}
