package dev.walship.agent.config;

import dev.walship.agent.sftp.SftpTarget;

/**
 * An SFTP server address as an sftp URL's authority or the {@code host} key writes it: {@code
 * host}, {@code host:port}, {@code [v6]:port}, or a bare IPv6 address (Litestream appends port 22
 * when the value has no port, and so do we).
 */
record HostPort(String host, int port) {

  /** Parses {@code written}; the exception's message is the problem, for the caller to place. */
  static HostPort parse(String written) {
    if (written.isEmpty()) {
      throw new IllegalArgumentException("host is empty");
    }
    String host = written;
    String port = null;
    if (written.startsWith("[")) {
      int close = written.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException(quote(written) + " has no closing ] for its IPv6 address");
      }
      host = written.substring(1, close);
      String rest = written.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new IllegalArgumentException(
              quote(written) + " is not [address]:port (e.g. [2001:db8::1]:2222)");
        }
        port = rest.substring(1);
      }
    } else if (written.indexOf(':') >= 0 && written.indexOf(':') == written.lastIndexOf(':')) {
      int colon = written.indexOf(':');
      host = written.substring(0, colon);
      port = written.substring(colon + 1);
    }
    checkHost(host, written);
    return new HostPort(host, port == null ? SftpTarget.DEFAULT_PORT : port(port, written));
  }

  private static void checkHost(String host, String written) {
    if (host.isEmpty()) {
      throw new IllegalArgumentException(quote(written) + " has no host name");
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '.'
              || c == '_'
              || c == ':';
      if (!ok) {
        throw new IllegalArgumentException(
            quote(written) + " is not a host name or address (character " + quote(String.valueOf(c)) + ")");
      }
    }
  }

  private static int port(String port, String written) {
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(
          quote(written) + " has no valid port after the colon (expected 1..65535)");
    }
    int p = Integer.parseInt(port);
    if (p < 1 || p > 65535) {
      throw new IllegalArgumentException(quote(written) + ": port " + p + " is outside 1..65535");
    }
    return p;
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
