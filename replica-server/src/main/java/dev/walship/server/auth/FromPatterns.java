package dev.walship.server.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The pattern list of an authorized key's {@code from="…"} option, matched as OpenSSH's sshd does
 * with {@code UseDNS no} (its default): against the client's IP address only. Each comma-separated
 * pattern is an address, a CIDR block ({@code 10.0.0.0/8}) or a wildcard pattern ({@code
 * 192.168.1.*}, {@code ?} for one character); a leading {@code !} negates it. A client is accepted
 * when some positive pattern matches and no negated one does. Host-name patterns never match: no
 * name is looked up. Wildcards match the address's text as OpenSSH prints it ({@link Addresses}):
 * {@code 2001:db8::*} matches {@code 2001:db8::1}, and an IPv4-mapped client is its IPv4 address.
 */
public final class FromPatterns {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private record Entry(boolean negated, String glob, byte[] network, int prefix) {}

  private final String text;
  private final List<Entry> entries;

  private FromPatterns(String text, List<Entry> entries) {
    this.text = text;
    this.entries = entries;
  }

  /**
   * Parses a pattern list.
   *
   * @throws IllegalArgumentException for an empty list or a malformed CIDR block
   */
  public static FromPatterns parse(String list) {
    List<Entry> entries = new ArrayList<>();
    for (String raw : list.split(",", -1)) {
      String p = raw.trim();
      boolean negated = p.startsWith("!");
      if (negated) {
        p = p.substring(1);
      }
      if (p.isEmpty()) {
        throw new IllegalArgumentException("from=\"" + list + "\": empty pattern");
      }
      int slash = p.indexOf('/');
      if (slash >= 0) {
        entries.add(cidr(list, p, slash, negated));
      } else if (isLiteral(p)) {
        byte[] addr = literal(p);
        entries.add(new Entry(negated, null, addr, addr.length * 8));
      } else {
        entries.add(new Entry(negated, p, null, 0));
      }
    }
    return new FromPatterns(list, List.copyOf(entries));
  }

  /** {@code true} when {@code client} may use the key. */
  public boolean allows(InetAddress client) {
    InetAddress a = Addresses.unmapped(client);
    boolean positive = false;
    for (Entry e : entries) {
      if (matches(e, a)) {
        if (e.negated()) {
          return false;
        }
        positive = true;
      }
    }
    return positive;
  }

  @Override
  public String toString() {
    return text;
  }

  private static boolean matches(Entry e, InetAddress a) {
    if (e.glob() != null) {
      return glob(e.glob(), Addresses.text(a));
    }
    byte[] addr = a.getAddress();
    if (addr.length != e.network().length) {
      return false;
    }
    int bits = e.prefix();
    for (int i = 0; i < addr.length && bits > 0; i++, bits -= 8) {
      int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
      if ((addr[i] & mask) != (e.network()[i] & mask)) {
        return false;
      }
    }
    return true;
  }

  private static Entry cidr(String list, String p, int slash, boolean negated) {
    String addr = p.substring(0, slash);
    int prefix;
    try {
      prefix = Integer.parseInt(p.substring(slash + 1));
    } catch (NumberFormatException e) {
      prefix = -1;
    }
    if (!isLiteral(addr) || prefix < 0 || prefix > literal(addr).length * 8) {
      throw new IllegalArgumentException("from=\"" + list + "\": '" + p + "' is not a CIDR block");
    }
    return new Entry(negated, null, literal(addr), prefix);
  }

  private static boolean isLiteral(String p) {
    return IPV4.matcher(p).matches() || (p.indexOf(':') >= 0 && p.matches("[0-9A-Fa-f:.]+"));
  }

  /** Parses an address literal without any name lookup (callers check {@link #isLiteral}). */
  private static byte[] literal(String p) {
    try {
      return Addresses.unmapped(InetAddress.getByName(p)).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + p + "' is not an IP address");
    }
  }

  /**
   * OpenSSH's {@code match_pattern}: {@code *} any run, {@code ?} one character, case-insensitive.
   */
  static boolean glob(String pattern, String s) {
    return globAt(pattern.toLowerCase(Locale.ROOT), 0, s.toLowerCase(Locale.ROOT), 0);
  }

  private static boolean globAt(String p, int pi, String s, int si) {
    while (pi < p.length()) {
      char c = p.charAt(pi);
      if (c == '*') {
        for (int k = si; k <= s.length(); k++) {
          if (globAt(p, pi + 1, s, k)) {
            return true;
          }
        }
        return false;
      }
      if (si >= s.length() || (c != '?' && c != s.charAt(si))) {
        return false;
      }
      pi++;
      si++;
    }
    return si == s.length();
  }
}
