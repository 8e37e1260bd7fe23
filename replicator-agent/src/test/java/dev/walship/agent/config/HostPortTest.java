package dev.walship.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HostPortTest {
  private static String problem(String s) {
    return assertThrows(IllegalArgumentException.class, () -> HostPort.parse(s)).getMessage();
  }

  @Test
  void forms() {
    assertEquals(new HostPort("alpha", 22), HostPort.parse("alpha"));
    assertEquals(new HostPort("alpha.example", 2222), HostPort.parse("alpha.example:2222"));
    assertEquals(new HostPort("10.0.0.1", 65535), HostPort.parse("10.0.0.1:65535"));
    assertEquals(new HostPort("2001:db8::1", 2222), HostPort.parse("[2001:db8::1]:2222"));
    assertEquals(new HostPort("2001:db8::1", 22), HostPort.parse("[2001:db8::1]"));
    assertEquals(new HostPort("::1", 22), HostPort.parse("::1"), "Litestream appends :22 to a bare IPv6 address");
  }

  @Test
  void mistakes() {
    assertEquals("host is empty", problem(""));
    assertEquals("\":22\" has no host name", problem(":22"));
    assertEquals("\"alpha:\" has no valid port after the colon (expected 1..65535)", problem("alpha:"));
    assertEquals("\"alpha:ssh\" has no valid port after the colon (expected 1..65535)", problem("alpha:ssh"));
    assertEquals("\"alpha:65536\": port 65536 is outside 1..65535", problem("alpha:65536"));
    assertEquals("\"[::1\" has no closing ] for its IPv6 address", problem("[::1"));
    assertEquals("\"[::1]x\" is not [address]:port (e.g. [2001:db8::1]:2222)", problem("[::1]x"));
    assertEquals("\"al pha\" is not a host name or address (character \" \")", problem("al pha"));
  }
}
