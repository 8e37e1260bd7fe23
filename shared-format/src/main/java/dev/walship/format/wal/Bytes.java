package dev.walship.format.wal;

import java.util.Locale;

/** Big-endian 32-bit fields, as every WAL header field is stored. */
final class Bytes {
  private Bytes() {}

  static int getInt(byte[] b, int off) {
    return ((b[off] & 0xff) << 24)
        | ((b[off + 1] & 0xff) << 16)
        | ((b[off + 2] & 0xff) << 8)
        | (b[off + 3] & 0xff);
  }

  static void putInt(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  static String hex(int v) {
    return String.format(Locale.ROOT, "0x%08x", v);
  }
}
