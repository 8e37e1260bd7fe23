package dev.walship.format.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WalHeaderTest {
  @Test
  void createParseRoundTripInBothByteOrders() throws Exception {
    for (boolean be : new boolean[] {true, false}) {
      WalHeader h = WalHeader.create(be, 4096, 7, 0x11223344, 0x55667788);
      assertEquals(be, h.bigEndianChecksums());
      assertEquals(h, WalHeader.parse(h.toBytes(), 0));
      assertEquals(4120, h.frameSize());
      assertEquals(32 + 4120, h.frameOffset(2));
    }
  }

  @Test
  void checksumMatchesSqlitesAlgorithmOverTheFirst24Bytes() {
    WalHeader h = WalHeader.create(true, 1024, 0, 1, 2);
    byte[] b = h.toBytes();
    assertEquals(WalChecksum.ZERO.update(true, b, 0, 24), h.checksum());
  }

  @Test
  void rejectsBadMagic() {
    byte[] b = WalHeader.create(false, 4096, 0, 1, 2).toBytes();
    b[3] = 0x00;
    WalFormatException e = assertThrows(WalFormatException.class, () -> WalHeader.parse(b, 0));
    assertEquals("WAL header: magic 0x377f0600 != 0x377f0682 or 0x377f0683", e.getMessage());
  }

  @Test
  void rejectsBadVersionPageSizeAndChecksum() {
    byte[] v = WalHeader.create(false, 4096, 0, 1, 2).toBytes();
    v[7] ^= 1;
    assertTrue(
        assertThrows(WalFormatException.class, () -> WalHeader.parse(v, 0))
            .getMessage()
            .contains("format version"));
    byte[] c = WalHeader.create(false, 4096, 0, 1, 2).toBytes();
    c[19] ^= 1; // salt-1 changed: checksum no longer matches
    assertTrue(
        assertThrows(WalFormatException.class, () -> WalHeader.parse(c, 0))
            .getMessage()
            .startsWith("WAL header: checksum 0x"));
    assertFalse(WalHeader.validPageSize(1000));
    assertFalse(WalHeader.validPageSize(256));
    assertFalse(WalHeader.validPageSize(131072));
    assertTrue(WalHeader.validPageSize(65536));
    assertThrows(IllegalArgumentException.class, () -> WalHeader.create(false, 3000, 0, 1, 2));
  }

  @Test
  void rejectsShortInput() {
    WalFormatException e =
        assertThrows(WalFormatException.class, () -> WalHeader.parse(new byte[10], 0));
    assertEquals("WAL header: 10 bytes, expected 32", e.getMessage());
  }
}
