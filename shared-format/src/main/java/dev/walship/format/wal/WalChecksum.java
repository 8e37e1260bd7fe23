package dev.walship.format.wal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * SQLite's WAL checksum state: two 32-bit sums updated over pairs of 32-bit words, {@code s1 += x0
 * + s2; s2 += x1 + s1}, the words read big-endian when the WAL magic's low bit is set and
 * little-endian otherwise. The header's checksum starts from zero; each frame's continues from the
 * previous frame's (or the header's), over the frame header's first 8 bytes and then the page.
 */
public record WalChecksum(int s1, int s2) {
  /** The state before any byte. */
  public static final WalChecksum ZERO = new WalChecksum(0, 0);

  private static final VarHandle BE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  /** The state after {@code len} more bytes ({@code len} a multiple of 8). */
  public WalChecksum update(boolean bigEndian, byte[] b, int off, int len) {
    if ((len & 7) != 0) {
      throw new IllegalArgumentException(
          "checksum input of " + len + " bytes is not a multiple of 8");
    }
    int a = s1;
    int c = s2;
    int end = off + len;
    if (bigEndian) {
      for (int i = off; i < end; i += 8) {
        a += (int) BE.get(b, i) + c;
        c += (int) BE.get(b, i + 4) + a;
      }
    } else {
      for (int i = off; i < end; i += 8) {
        a += (int) LE.get(b, i) + c;
        c += (int) LE.get(b, i + 4) + a;
      }
    }
    return new WalChecksum(a, c);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "0x%08x/0x%08x", s1, s2);
  }
}
