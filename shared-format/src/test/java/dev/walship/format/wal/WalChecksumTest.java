package dev.walship.format.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Known answers computed independently (a Python transcription of SQLite's walChecksumBytes). */
class WalChecksumTest {
  static byte[] range(int from, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (from + i);
    }
    return b;
  }

  @Test
  void bigEndianKnownAnswer() {
    WalChecksum c = WalChecksum.ZERO.update(true, range(1, 24), 0, 24);
    assertEquals(new WalChecksum(0x44505c68, 0x7c90a4b8), c);
    assertEquals(new WalChecksum(0x9bf44ca0, 0x16a635bd), c.update(true, range(100, 16), 0, 16));
  }

  @Test
  void littleEndianKnownAnswer() {
    WalChecksum c = WalChecksum.ZERO.update(false, range(1, 24), 0, 24);
    assertEquals(new WalChecksum(0x685c5044, 0xb8a4907c), c);
    assertEquals(new WalChecksum(0xa44bf398, 0xc434a510), c.update(false, range(100, 16), 0, 16));
  }

  @Test
  void continuingEqualsOneUpdate() {
    byte[] b = range(7, 64);
    WalChecksum whole = WalChecksum.ZERO.update(false, b, 0, 64);
    WalChecksum parts = WalChecksum.ZERO.update(false, b, 0, 24).update(false, b, 24, 40);
    assertEquals(whole, parts);
  }

  @Test
  void rejectsPartialWords() {
    assertThrows(
        IllegalArgumentException.class, () -> WalChecksum.ZERO.update(true, new byte[12], 0, 12));
  }

  @Test
  void printsBothWordsInHex() {
    assertEquals("0x0000000a/0xffffffff", new WalChecksum(10, -1).toString());
  }
}
