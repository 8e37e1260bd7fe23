package dev.walship.format.wal;

/**
 * The 24-byte header of a WAL frame: page number, commit size (the database size in pages after a
 * frame that ends a transaction, else 0), the WAL's salts, and the cumulative checksum.
 */
public record FrameHeader(
    int pageNumber, int commitSize, int salt1, int salt2, int checksum1, int checksum2) {

  /** Reads a frame header at {@code off} (no check beyond the bytes being there). */
  public static FrameHeader parse(byte[] b, int off) {
    return new FrameHeader(
        Bytes.getInt(b, off),
        Bytes.getInt(b, off + 4),
        Bytes.getInt(b, off + 8),
        Bytes.getInt(b, off + 12),
        Bytes.getInt(b, off + 16),
        Bytes.getInt(b, off + 20));
  }

  /** {@code true} for the last frame of a committed transaction. */
  public boolean isCommit() {
    return commitSize != 0;
  }

  /** The checksum stored in the frame. */
  public WalChecksum checksum() {
    return new WalChecksum(checksum1, checksum2);
  }
}
