package dev.walship.format.wal;

/**
 * Writes the frames of one WAL cycle as SQLite does ({@code walEncodeFrame}): page number, commit
 * size, the header's salts, and the cumulative checksum over the frame header's first 8 bytes and
 * the page, continuing from the previous frame's (the header's for the first). What {@link
 * FrameChain} verifies, this produces. Not thread-safe.
 */
public final class FrameEncoder {
  private final WalHeader header;
  private WalChecksum checksum;

  /** An encoder at the start of the cycle {@code header}. */
  public FrameEncoder(WalHeader header) {
    this.header = header;
    this.checksum = header.checksum();
  }

  public WalHeader header() {
    return header;
  }

  /** The checksum of the last frame encoded (the header's before the first). */
  public WalChecksum checksum() {
    return checksum;
  }

  /**
   * Encodes the next frame into {@code out[off, off + header.frameSize())}.
   *
   * @param pageNumber the page the frame holds (1-based)
   * @param commitSize the database size in pages when the frame ends a transaction, else 0
   * @param page the page's bytes, {@code header.pageSize()} of them from {@code pageOff}
   */
  public void encode(
      int pageNumber, int commitSize, byte[] page, int pageOff, byte[] out, int off) {
    if (pageNumber < 1) {
      throw new IllegalArgumentException("page number " + pageNumber);
    }
    int pageSize = header.pageSize();
    Bytes.putInt(out, off, pageNumber);
    Bytes.putInt(out, off + 4, commitSize);
    Bytes.putInt(out, off + 8, header.salt1());
    Bytes.putInt(out, off + 12, header.salt2());
    System.arraycopy(page, pageOff, out, off + WalHeader.FRAME_HEADER_SIZE, pageSize);
    boolean be = header.bigEndianChecksums();
    checksum =
        checksum
            .update(be, out, off, 8)
            .update(be, out, off + WalHeader.FRAME_HEADER_SIZE, pageSize);
    Bytes.putInt(out, off + 16, checksum.s1());
    Bytes.putInt(out, off + 20, checksum.s2());
  }
}
