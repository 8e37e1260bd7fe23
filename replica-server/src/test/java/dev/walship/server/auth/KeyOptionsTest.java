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
    assertEquals(
        expected,
        KeyOptions.parse(
            "from=\"10.0.0.0/8,127.0.0.1\",NO-PTY,command=\"echo \\\"hi, there\\\"\""));
  }

  @Test
  void malformed() {
    assertThrows(IllegalArgumentException.class, () -> KeyOptions.parse("from=10.0.0.1"));
    assertThrows(IllegalArgumentException.class, () -> KeyOptions.parse("from=\"10.0.0.1"));
    assertThrows(IllegalArgumentException.class, () -> KeyOptions.parse("a,,b"));
  }

  @Test
  void fromAndCommandOnlyOnce() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> KeyOptions.parse("command=\"internal-sftp -R\",command=\"internal-sftp\""));
    assertEquals("option 'command' given twice", e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> KeyOptions.parse("from=\"10.*\",FROM=\"*\""));
    assertEquals(
        Map.of("permitopen", "b:2"), KeyOptions.parse("permitopen=\"a:1\",permitopen=\"b:2\""));
  }
}
