package dev.walship.toolkit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HostPortTest {
  private static String problem(String s) {
    return assertThrows(IllegalArgumentException.class, () -> HostPort.parse(s, 22)).getMessage();
  }

  @Test
  void forms() {
    assertEquals(new HostPort("alpha", 22), HostPort.parse("alpha", 22));
    assertEquals(new HostPort("alpha.example", 2222), HostPort.parse("alpha.example:2222", 22));
    assertEquals(new HostPort("10.0.0.1", 65535), HostPort.parse("10.0.0.1:65535", 22));
    assertEquals(new HostPort("2001:db8::1", 2222), HostPort.parse("[2001:db8::1]:2222", 22));
    assertEquals(new HostPort("2001:db8::1", 22), HostPort.parse("[2001:db8::1]", 22));
    assertEquals(
        new HostPort("::1", 22),
        HostPort.parse("::1", 22),
        "Litestream appends :22 to a bare IPv6 address");
  }

  @Test
  void mistakes() {
    assertEquals("host is empty", problem(""));
    assertEquals("\":22\" has no host name", problem(":22"));
    assertEquals(
        "\"alpha:\" has no valid port after the colon (expected 1..65535)", problem("alpha:"));
    assertEquals(
        "\"alpha:ssh\" has no valid port after the colon (expected 1..65535)",
        problem("alpha:ssh"));
    assertEquals("\"alpha:65536\": port 65536 is outside 1..65535", problem("alpha:65536"));
    assertEquals("\"[::1\" has no closing ] for its IPv6 address", problem("[::1"));
    assertEquals("\"[::1]x\" is not [address]:port (e.g. [2001:db8::1]:2222)", problem("[::1]x"));
    assertEquals("\"al pha\" is not a host name or address (character \" \")", problem("al pha"));
  }

  private static String listenProblem(String s) {
    return assertThrows(IllegalArgumentException.class, () -> HostPort.parseListen(s)).getMessage();
  }

  @Test
  void listenAddresses() {
    assertEquals(new HostPort("127.0.0.1", 2222), HostPort.parseListen("127.0.0.1:2222"));
    assertEquals(new HostPort("", 9090), HostPort.parseListen(":9090"), "every interface");
    assertEquals(new HostPort("::1", 0), HostPort.parseListen("[::1]:0"), "port 0: any free one");
    assertEquals(new HostPort("localhost", 65535), HostPort.parseListen("localhost:65535"));
    assertEquals("[::1]:2222", new HostPort("::1", 2222).toString());
    assertEquals("alpha:22", new HostPort("alpha", 22).toString());
  }

  @Test
  void listenMistakes() {
    String form = " is not host:port or :port (e.g. :9090, 127.0.0.1:9090, [::1]:9090)";
    assertEquals("\"localhost\"" + form, listenProblem("localhost"));
    assertEquals("\"::1:22\"" + form, listenProblem("::1:22"));
    assertEquals(
        "\"localhost:70000\": port 70000 is outside 0..65535", listenProblem("localhost:70000"));
    assertEquals(
        "\"localhost:\" has no valid port after the colon (expected 0..65535)",
        listenProblem("localhost:"));
    assertEquals(
        "\"a b:1\" is not a host name or address (character \" \")", listenProblem("a b:1"));
  }
}
