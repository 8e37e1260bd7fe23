package dev.walship.toolkit.config;

/**
 * A host and port as configuration files write them: {@code host}, {@code host:port}, {@code
 * [v6]:port}. The one parser of both programs: the agent's SFTP {@code host} and URL authority
 * ({@link #parse}: the port may be left out, and a bare IPv6 address is a host, as Litestream reads
 * it), and the addresses a program listens on ({@link #parseListen}: the agent's metrics {@code
 * addr}, the server's {@code listen}; the port is required and {@code 0} means any free one).
 * Exceptions carry the problem only; the caller places it ({@code file:line: key: problem}).
 *
 * @param host a name or address, without brackets; empty only from {@link #parseListen}, meaning
 *     every interface
 */
public record HostPort(String host, int port) {

  /** {@code host} or {@code host:port} (1..65535), {@code [v6]:port}, or a bare IPv6 address. */
  public static HostPort parse(String written, int defaultPort) {
    if (written.isEmpty()) {
      throw new IllegalArgumentException("host is empty");
    }
    String host = written;
    String port = null;
    if (written.startsWith("[")) {
      int close = written.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException(
            quote(written) + " has no closing ] for its IPv6 address");
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
    if (host.isEmpty()) {
      throw new IllegalArgumentException(quote(written) + " has no host name");
    }
    checkHost(host, written);
    if (port == null) {
      return new HostPort(host, defaultPort);
    }
    return new HostPort(host, port(port, written, 1));
  }

  /**
   * An address to listen on: {@code host:port}, {@code [v6]:port} or {@code :port} (every
   * interface); port 0..65535, 0 meaning any free port.
   */
  public static HostPort parseListen(String written) {
    int colon = written.lastIndexOf(':');
    String host = colon < 0 ? written : written.substring(0, colon);
    if (colon < 0 || (host.contains(":") && !(host.startsWith("[") && host.endsWith("]")))) {
      throw new IllegalArgumentException(
          quote(written) + " is not host:port or :port (e.g. :9090, 127.0.0.1:9090, [::1]:9090)");
    }
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    }
    if (!host.isEmpty()) {
      checkHost(host, written);
    }
    return new HostPort(host, port(written.substring(colon + 1), written, 0));
  }

  /** {@code host:port}, with brackets around an IPv6 address. */
  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  private static void checkHost(String host, String written) {
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
            quote(written)
                + " is not a host name or address (character "
                + quote(String.valueOf(c))
                + ")");
      }
    }
  }

  private static int port(String port, String written, int min) {
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(
          quote(written) + " has no valid port after the colon (expected " + min + "..65535)");
    }
    int p = Integer.parseInt(port);
    if (p < min || p > 65535) {
      throw new IllegalArgumentException(
          quote(written) + ": port " + p + " is outside " + min + "..65535");
    }
    return p;
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
