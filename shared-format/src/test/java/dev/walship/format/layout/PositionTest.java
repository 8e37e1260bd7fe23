package dev.walship.format.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PositionTest {
  static final Generation A = Generation.parse("000000000000000a");
  static final Generation B = Generation.parse("000000000000000b");

  @Test
  void printsAsLitestreamDoes() {
    assertEquals("000000000000000a/00000002:00001038", new Position(A, 2, 0x1038).toString());
  }

  @Test
  void ordersByGenerationIndexOffset() {
    assertTrue(new Position(A, 1, 100).compareTo(new Position(A, 2, 0)) < 0);
    assertTrue(new Position(A, 2, 0).compareTo(new Position(A, 2, 32)) < 0);
    assertTrue(new Position(A, 9, 9).compareTo(new Position(B, 0, 0)) < 0);
    assertEquals(0, new Position(A, 1, 1).compareTo(new Position(A, 1, 1)));
  }

  @Test
  void stepsAndValidates() {
    assertEquals(new Position(A, 3, 0), new Position(A, 2, 77).nextIndex());
    assertEquals(new Position(A, 2, 5), new Position(A, 2, 77).withOffset(5));
    assertThrows(IllegalArgumentException.class, () -> new Position(A, -1, 0));
    assertThrows(IllegalArgumentException.class, () -> new Position(A, 0, -1));
  }
}
