package dev.walship.format.wal;

import java.util.Locale;

/**
 * The 32-byte WAL header, all fields big-endian: magic ({@code 0x377f0682} or {@code 0x377f0683};
 * the low bit picks big-endian checksums), format version 3007000, page size, checkpoint sequence,
 * salt-1, salt-2, and the checksum of the first 24 bytes.
 */
public record WalHeader(
    int magic,
    int formatVersion,
    int pageSize,
    int checkpointSequence,
    int salt1,
    int salt2,
    int checksum1,
    int checksum2) {

  /** Size of the header in bytes. */
  public static final int SIZE = 32;

  /** Size of a frame header in bytes. */
  public static final int FRAME_HEADER_SIZE = 24;

  /** Magic with little-endian checksums. */
  public static final int MAGIC_LE = 0x377f0682;

  /** Magic with big-endian checksums. */
  public static final int MAGIC_BE = 0x377f0683;

  /** The only WAL format version. */
  public static final int FORMAT_VERSION = 3007000;

  /**
   * Parses and verifies a header: magic, version, page size (a power of two in 512..65536) and
   * checksum.
   *
   * @throws WalFormatException saying which field is wrong, expected vs actual
   */
  public static WalHeader parse(byte[] b, int off) throws WalFormatException {
    if (b.length - off < SIZE) {
      throw new WalFormatException("WAL header: " + (b.length - off) + " bytes, expected " + SIZE);
    }
    WalHeader h =
        new WalHeader(
            Bytes.getInt(b, off),
            Bytes.getInt(b, off + 4),
            Bytes.getInt(b, off + 8),
            Bytes.getInt(b, off + 12),
            Bytes.getInt(b, off + 16),
            Bytes.getInt(b, off + 20),
            Bytes.getInt(b, off + 24),
            Bytes.getInt(b, off + 28));
    if (h.magic != MAGIC_LE && h.magic != MAGIC_BE) {
      throw new WalFormatException(
          "WAL header: magic "
              + Bytes.hex(h.magic)
              + " != "
              + Bytes.hex(MAGIC_LE)
              + " or "
              + Bytes.hex(MAGIC_BE));
    }
    if (h.formatVersion != FORMAT_VERSION) {
      throw new WalFormatException(
          "WAL header: format version " + h.formatVersion + " != " + FORMAT_VERSION);
    }
    if (!validPageSize(h.pageSize)) {
      throw new WalFormatException(
          "WAL header: page size " + h.pageSize + " is not a power of two in 512..65536");
    }
    WalChecksum expected = WalChecksum.ZERO.update(h.bigEndianChecksums(), b, off, 24);
    if (expected.s1() != h.checksum1 || expected.s2() != h.checksum2) {
      throw new WalFormatException(
          "WAL header: checksum " + h.checksum() + " != computed " + expected);
    }
    return h;
  }

  /** A new header with its checksum computed, as SQLite writes one when it (re)starts a WAL. */
  public static WalHeader create(
      boolean bigEndianChecksums, int pageSize, int checkpointSequence, int salt1, int salt2) {
    if (!validPageSize(pageSize)) {
      throw new IllegalArgumentException(
          "page size " + pageSize + " is not a power of two in 512..65536");
    }
    byte[] b = new byte[SIZE];
    Bytes.putInt(b, 0, bigEndianChecksums ? MAGIC_BE : MAGIC_LE);
    Bytes.putInt(b, 4, FORMAT_VERSION);
    Bytes.putInt(b, 8, pageSize);
    Bytes.putInt(b, 12, checkpointSequence);
    Bytes.putInt(b, 16, salt1);
    Bytes.putInt(b, 20, salt2);
    WalChecksum c = WalChecksum.ZERO.update(bigEndianChecksums, b, 0, 24);
    return new WalHeader(
        bigEndianChecksums ? MAGIC_BE : MAGIC_LE,
        FORMAT_VERSION,
        pageSize,
        checkpointSequence,
        salt1,
        salt2,
        c.s1(),
        c.s2());
  }

  /** {@code true} when SQLite's page-size rule allows {@code pageSize}. */
  public static boolean validPageSize(int pageSize) {
    return pageSize >= 512 && pageSize <= 65536 && Integer.bitCount(pageSize) == 1;
  }

  /** {@code true} when checksum words are read big-endian (magic {@code 0x377f0683}). */
  public boolean bigEndianChecksums() {
    return (magic & 1) == 1;
  }

  /** Size of one frame: 24-byte frame header plus one page. */
  public int frameSize() {
    return FRAME_HEADER_SIZE + pageSize;
  }

  /** The header's own checksum, where the frame checksum chain starts. */
  public WalChecksum checksum() {
    return new WalChecksum(checksum1, checksum2);
  }

  /** Offset of frame {@code n} (1-based), as SQLite numbers frames. */
  public long frameOffset(long n) {
    return SIZE + (n - 1) * (long) frameSize();
  }

  /** {@code true} when both salts equal {@code other}'s: the same WAL cycle. */
  public boolean sameSalts(WalHeader other) {
    return salt1 == other.salt1 && salt2 == other.salt2;
  }

  /** The 32 bytes of the header. */
  public byte[] toBytes() {
    byte[] b = new byte[SIZE];
    Bytes.putInt(b, 0, magic);
    Bytes.putInt(b, 4, formatVersion);
    Bytes.putInt(b, 8, pageSize);
    Bytes.putInt(b, 12, checkpointSequence);
    Bytes.putInt(b, 16, salt1);
    Bytes.putInt(b, 20, salt2);
    Bytes.putInt(b, 24, checksum1);
    Bytes.putInt(b, 28, checksum2);
    return b;
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "WalHeader[magic=0x%08x, pageSize=%d, checkpointSeq=%d, salt=0x%08x/0x%08x, checksum=0x%08x/0x%08x]",
        magic,
        pageSize,
        checkpointSequence,
        salt1,
        salt2,
        checksum1,
        checksum2);
  }
}
