package dev.walship.format.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WalSegmentNameTest {
  static final Generation G = Generation.parse("aaaabbbbccccdddd");

  @Test
  void formatsAndParses() {
    WalSegmentName w = new WalSegmentName(G, 1, 0x1038);
    assertEquals("00000001_00001038.wal.lz4", w.fileName());
    assertEquals("00000001_00001038", w.shortName());
    assertEquals("generations/aaaabbbbccccdddd/wal/00000001_00001038.wal.lz4", w.path());
    assertEquals(w, WalSegmentName.parse(G, w.fileName()));
    assertEquals(w, WalSegmentName.at(w.position()));
  }

  @Test
  void roundTripsAtTheLimits() {
    for (long off : new long[] {0, 32, 0xffffffffL}) {
      WalSegmentName w = new WalSegmentName(G, 0x7ffffffe, off);
      assertEquals(w, WalSegmentName.parse(G, w.fileName()));
    }
  }

  @ParameterizedTest
  @CsvSource({
    "00000001_0000103A.wal.lz4, uppercase hex digit 'A'",
    "0000000A_00001038.wal.lz4, uppercase hex digit 'A'",
    "00000001_001038.wal.lz4, wrong width: expected 8 hex digits, got 6",
    "000000001_00001038.wal.lz4, wrong width: expected 8 hex digits, got 9",
    "00000001_00001038.wal, unknown extension",
    "00000001.wal.lz4, missing '_'",
    "7fffffff_00000000.wal.lz4, index 0x7fffffff >= 0x7fffffff",
  })
  void rejectsWithReason(String name, String reason) {
    InvalidNameException e =
        assertThrows(InvalidNameException.class, () -> WalSegmentName.parse(G, name));
    assertTrue(e.reason().contains(reason), e.reason());
  }

  @Test
  void ordersByIndexThenOffset() {
    List<WalSegmentName> l =
        new ArrayList<>(
            List.of(
                new WalSegmentName(G, 2, 0),
                new WalSegmentName(G, 1, 0x2000),
                new WalSegmentName(G, 1, 0x20)));
    l.sort(null);
    assertEquals(
        List.of(
            new WalSegmentName(G, 1, 0x20),
            new WalSegmentName(G, 1, 0x2000),
            new WalSegmentName(G, 2, 0)),
        l);
  }
}
