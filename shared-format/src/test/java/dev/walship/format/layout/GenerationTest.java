package dev.walship.format.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class GenerationTest {
  @Test
  void roundTrips() {
    Generation g = Generation.parse("0123456789abcdef");
    assertEquals("0123456789abcdef", g.name());
    assertEquals("0123456789abcdef", g.toString());
    assertEquals(g, Generation.parse(g.toString()));
  }

  @Test
  void randomIsSixteenLowercaseHexFromTheInjectedRandomness() {
    Generation a = Generation.random(new Random(42));
    Generation b = Generation.random(new Random(42));
    assertEquals(a, b);
    assertTrue(a.name().matches("[0-9a-f]{16}"), a.name());
    Generation small =
        Generation.random(
            new Random() {
              @Override
              public long nextLong() {
                return 1;
              }
            });
    assertEquals("0000000000000001", small.name());
  }

  @Test
  void rejectsUppercaseWithReason() {
    InvalidNameException e =
        assertThrows(InvalidNameException.class, () -> Generation.parse("0123456789ABCDEF"));
    assertTrue(e.reason().contains("uppercase hex digit 'A'"), e.reason());
  }

  @Test
  void rejectsWrongWidthWithReason() {
    InvalidNameException e =
        assertThrows(InvalidNameException.class, () -> Generation.parse("0123456789abcde"));
    assertTrue(e.reason().contains("wrong width: expected 16 hex digits, got 15"), e.reason());
    assertFalse(Generation.isValid("0123456789abcdef0"));
    assertFalse(Generation.isValid("0123456789abcdeg"));
  }

  @Test
  void ordersByName() {
    assertTrue(
        Generation.parse("0000000000000001").compareTo(Generation.parse("000000000000000a")) < 0);
  }
}
