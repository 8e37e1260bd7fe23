package dev.walship.server.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class LogTextTest {
  @Test
  void safeValuesStayBare() {
    assertEquals("replicator", LogText.field("replicator"));
    assertEquals(
        "/db/generations/0011/wal/00000000_00000020.wal.lz4",
        LogText.field("/db/generations/0011/wal/00000000_00000020.wal.lz4"));
    assertEquals("127.0.0.1:2222", LogText.field("127.0.0.1:2222"));
    assertEquals("SHA256:ab+/c=", LogText.field("SHA256:ab+/c="));
  }

  @Test
  void anythingElseIsQuotedSoItCannotEndTheLineOrStartAField() {
    assertEquals("\"\"", LogText.field(""));
    assertEquals("\"two words\"", LogText.field("two words"));
    assertEquals("\"x\\nlogin user=root\"", LogText.field("x\nlogin user=root"));
    assertEquals("\"a\\r\\tb\\\\c\\\"d\"", LogText.field("a\r\tb\\c\"d"));
    assertEquals("\"\\u001b[31m\\u0000\\u007f\"", LogText.field("\u001b[31m\u0000\u007f"));
    assertEquals("\"\\u2028\\u2029\\u0085\\u202e\"", LogText.field("\u2028\u2029\u0085\u202e"));
    assertEquals("\"données\"", LogText.field("données"));
    assertEquals("null", LogText.field(null));
  }

  @Test
  void freeTextKeepsItsSpacesButNoLineBreak() {
    assertEquals(
        "outside the writable directories (/db)",
        LogText.text("outside the writable directories (/db)"));
    assertEquals("bad name 'a\\nb' \"q\" \\\\", LogText.text("bad name 'a\nb' \"q\" \\"));
    for (int c = 0; c < 0x10000; c++) {
      String s = LogText.field(String.valueOf((char) c)) + LogText.text(String.valueOf((char) c));
      assertFalse(
          s.indexOf('\n') >= 0
              || s.indexOf('\r') >= 0
              || s.indexOf('\u2028') >= 0
              || s.indexOf('\u0085') >= 0,
          "character " + c);
    }
  }
}
