package dev.walship.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class FromPatternsTest {
  private static boolean allows(String patterns, String ip) throws Exception {
    return FromPatterns.parse(patterns).allows(InetAddress.getByName(ip));
  }

  @Test
  void addressesWildcardsAndCidr() throws Exception {
    assertTrue(allows("127.0.0.1", "127.0.0.1"));
    assertFalse(allows("127.0.0.2", "127.0.0.1"));
    assertTrue(allows("10.0.0.*,127.0.0.?", "127.0.0.1"));
    assertFalse(allows("10.*", "127.0.0.1"));
    assertTrue(allows("127.0.0.0/8", "127.1.2.3"));
    assertFalse(allows("10.0.0.0/8", "127.1.2.3"));
    assertTrue(allows("::1", "::1"));
    assertTrue(allows("fd00::/8", "fd12::5"));
  }

  @Test
  void aNegatedMatchWinsOverAnyPositive() throws Exception {
    assertFalse(allows("127.0.0.0/8,!127.0.0.1", "127.0.0.1"));
    assertTrue(allows("127.0.0.0/8,!127.0.0.1", "127.0.0.2"));
    assertFalse(allows("!10.0.0.1", "127.0.0.1"), "only negated patterns accept nobody");
  }

  @Test
  void namesNeverMatchBecauseNothingIsLookedUp() throws Exception {
    assertFalse(allows("localhost", "127.0.0.1"));
    assertTrue(allows("*", "127.0.0.1"));
  }

  @Test
  void ipv4MappedAddressesCountAsIpv4() throws Exception {
    assertTrue(allows("127.0.0.1", "::ffff:127.0.0.1"));
  }

  @Test
  void ipv6WildcardsMatchOpenSshsTextOfTheAddress() throws Exception {
    assertTrue(allows("2001:db8::*", "2001:db8:0:0:0:0:0:1"));
    assertFalse(
        allows("*,!2001:db8::*", "2001:db8::1"), "the issue's pattern no longer fails open");
    assertTrue(allows("*,!2001:db8::*", "2001:db9::1"));
    assertFalse(
        allows("2001:db8:0:0:*", "2001:db8::1"), "OpenSSH never sees the uncompressed form");
    assertTrue(allows("fe80::*", "fe80::1%1"), "no scope in the text");
  }

  @Test
  void anIpv4MappedClientIsMatchedAsIpv4ByLiteralsAndWildcards() throws Exception {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 0, 0, 5};
    InetAddress client = Inet6Address.getByAddress(null, mapped, -1);
    assertTrue(
        client instanceof Inet6Address, "a real IPv6 address, as a dual-stack socket may report");
    assertFalse(FromPatterns.parse("*,!10.0.0.*").allows(client));
    assertFalse(FromPatterns.parse("*,!10.0.0.5").allows(client));
    assertFalse(FromPatterns.parse("*,!10.0.0.0/24").allows(client));
    assertTrue(FromPatterns.parse("10.0.0.?").allows(client));
    assertFalse(FromPatterns.parse("::ffff:*").allows(client), "sshd matches the IPv4 form only");
  }

  @Test
  void addressTextIsInetNtops() throws Exception {
    assertEquals("2001:db8::1", Addresses.text(InetAddress.getByName("2001:db8:0:0:0:0:0:1")));
    assertEquals(
        "2001:db8::1:0:0:1",
        Addresses.text(InetAddress.getByName("2001:db8:0:0:1:0:0:1")),
        "the first longest run");
    assertEquals(
        "2001:db8:0:1:1:1:1:1",
        Addresses.text(InetAddress.getByName("2001:db8:0:1:1:1:1:1")),
        "one zero group stays");
    assertEquals(
        "2001:0:0:1::1",
        Addresses.text(InetAddress.getByName("2001:0:0:1:0:0:0:1")),
        "the longest run");
    assertEquals("::", Addresses.text(InetAddress.getByName("::")));
    assertEquals("::1", Addresses.text(InetAddress.getByName("::1")));
    assertEquals("fe80::", Addresses.text(InetAddress.getByName("fe80:0:0:0:0:0:0:0")));
    assertEquals(
        "::1.2.3.4",
        Addresses.text(
            Inet6Address.getByAddress(
                null, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}, -1)),
        "IPv4-compatible");
    assertEquals("abcd:ef01::", Addresses.text(InetAddress.getByName("ABCD:EF01:0:0:0:0:0:0")));
    assertEquals(
        "10.0.0.5",
        Addresses.text(
            Inet6Address.getByAddress(
                null,
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 0, 0, 5},
                -1)));
  }

  @Test
  void malformedListsAreErrors() {
    assertThrows(IllegalArgumentException.class, () -> FromPatterns.parse("10.0.0.0/33"));
    assertThrows(IllegalArgumentException.class, () -> FromPatterns.parse("10.0.0.0/x"));
    assertThrows(IllegalArgumentException.class, () -> FromPatterns.parse("a,,b"));
  }

  @Test
  void globIsOpenSshsMatchPattern() {
    assertTrue(FromPatterns.glob("*.example.com", "db.EXAMPLE.com"));
    assertTrue(FromPatterns.glob("a?c", "abc"));
    assertFalse(FromPatterns.glob("a?c", "ac"));
  }
}
