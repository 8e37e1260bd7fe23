package dev.walship.server.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
