package dev.walship.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyOptionsTest {
  @Test
  void namesValuesQuotesAndEscapes() {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("from", "10.0.0.0/8,127.0.0.1");
    expected.put("no-pty", null);
    expected.put("command", "echo \"hi, there\"");
    assertEquals(expected, KeyOptions.parse("from=\"10.0.0.0/8,127.0.0.1\",NO-PTY,command=\"echo \\\"hi, there\\\"\""));
  }

  @Test
  void malformed() {
    assertThrows(IllegalArgumentException.class, () -> KeyOptions.parse("from=10.0.0.1"));
    assertThrows(IllegalArgumentException.class, () -> KeyOptions.parse("from=\"10.0.0.1"));
    assertThrows(IllegalArgumentException.class, () -> KeyOptions.parse("a,,b"));
  }
}
