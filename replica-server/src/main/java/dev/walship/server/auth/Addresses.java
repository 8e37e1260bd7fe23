package dev.walship.server.auth;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;

/**
 * Client addresses as OpenSSH's sshd sees and prints them: an IPv4-mapped IPv6 address is the IPv4
 * address ({@code ipv64_normalise_mapped}), and IPv6 text is {@code inet_ntop}'s: lower case,
 * leading zeros dropped, the longest run of two or more zero groups (the first, on a tie) written
 * {@code ::}, an IPv4-compatible address as {@code ::a.b.c.d}, no scope. Patterns in {@code
 * from="…"} are matched against this text, so {@code 2001:db8::*} means what it says (Java's own
 * text, {@code 2001:db8:0:0:0:0:0:1}, would never match it).
 */
public final class Addresses {
  private Addresses() {}

  /** The IPv4 address of an IPv4-mapped IPv6 address; any other address as it is. */
  public static InetAddress unmapped(InetAddress a) {
    if (a instanceof Inet6Address v6) {
      byte[] b = v6.getAddress();
      if (zeros(b, 0, 10) && b[10] == (byte) 0xff && b[11] == (byte) 0xff) {
        try {
          return Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException impossible) {
          throw new IllegalStateException(impossible);
        }
      }
    }
    return a;
  }

  /** The client's address as OpenSSH prints it (see the class note). */
  public static String text(InetAddress address) {
    InetAddress a = unmapped(address);
    if (a instanceof Inet4Address) {
      return a.getHostAddress();
    }
    byte[] b = a.getAddress();
    int[] words = new int[8];
    for (int i = 0; i < 8; i++) {
      words[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int[] run = longestZeroRun(words);
    if (run[0] == 0 && run[1] == 6) {
      return "::"
          + (b[12] & 0xff)
          + "."
          + (b[13] & 0xff)
          + "."
          + (b[14] & 0xff)
          + "."
          + (b[15] & 0xff);
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == run[0]) {
        s.append("::");
        i += run[1] - 1;
        continue;
      }
      if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
        s.append(':');
      }
      s.append(Integer.toHexString(words[i]));
    }
    return s.toString();
  }

  /** {@code ip:port} of a client, the address as in {@link #text}. */
  public static String text(SocketAddress a) {
    if (a instanceof InetSocketAddress isa && isa.getAddress() != null) {
      return text(isa.getAddress()) + ":" + isa.getPort();
    }
    return String.valueOf(a);
  }

  /** {start, length} of the first longest run of at least two zero words; {-1, 0} if none. */
  private static int[] longestZeroRun(int[] words) {
    int bestStart = -1;
    int bestLength = 0;
    for (int i = 0; i < words.length; ) {
      int j = i;
      while (j < words.length && words[j] == 0) {
        j++;
      }
      if (j - i > bestLength && j - i >= 2) {
        bestStart = i;
        bestLength = j - i;
      }
      i = Math.max(j, i + 1);
    }
    return new int[] {bestStart, bestLength};
  }

  private static boolean zeros(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
