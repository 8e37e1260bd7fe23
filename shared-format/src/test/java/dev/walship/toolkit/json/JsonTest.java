package dev.walship.toolkit.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void quotesWithRfc8259Escapes() {
    assertEquals("\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\"", Json.quote("a\"b\\c\nd\re\tf\u0001g"));
    assertEquals("\"\"", Json.quote(""));
    assertEquals("\"é ✓\"", Json.quote("é ✓"));
  }
}
