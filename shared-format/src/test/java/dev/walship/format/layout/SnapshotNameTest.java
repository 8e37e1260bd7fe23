package dev.walship.format.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SnapshotNameTest {
  static final Generation G = Generation.parse("1111222233334444");

  @Test
  void formatsAndParses() {
    SnapshotName s = new SnapshotName(G, 0x1a);
    assertEquals("0000001a.snapshot.lz4", s.fileName());
    assertEquals("generations/1111222233334444/snapshots/0000001a.snapshot.lz4", s.path());
    assertEquals(s, SnapshotName.parse(G, s.fileName()));
    assertEquals(new Position(G, 0x1a, 0), s.position());
  }

  @Test
  void roundTripsAcrossTheIndexRange() {
    for (int i : new int[] {0, 1, 15, 16, 0xabcdef, 0x7ffffffe}) {
      SnapshotName s = new SnapshotName(G, i);
      assertEquals(s, SnapshotName.parse(G, s.fileName()));
    }
  }

  @ParameterizedTest
  @CsvSource({
    "0000001A.snapshot.lz4, uppercase hex digit 'A'",
    "000001a.snapshot.lz4, wrong width: expected 8 hex digits, got 7",
    "00000001a.snapshot.lz4, wrong width: expected 8 hex digits, got 9",
    "0000001a.snapshot, unknown extension",
    "0000001a.snapshot.gz, unknown extension",
    "7fffffff.snapshot.lz4, index 0x7fffffff >= 0x7fffffff",
    "ffffffff.snapshot.lz4, index 0xffffffff >= 0x7fffffff",
    "0000001x.snapshot.lz4, 'x' is not a hex digit",
  })
  void rejectsWithReason(String name, String reason) {
    InvalidNameException e =
        assertThrows(InvalidNameException.class, () -> SnapshotName.parse(G, name));
    assertTrue(e.reason().contains(reason), e.reason());
    assertEquals(name, e.name());
  }

  @Test
  void ordersByIndex() {
    List<SnapshotName> l =
        new ArrayList<>(List.of(new SnapshotName(G, 16), new SnapshotName(G, 2)));
    l.sort(null);
    assertEquals(2, l.get(0).index());
  }
}
