package dev.walship.agent.sftp;

import java.nio.file.Path;

/**
 * Where and as whom an SFTP replica connects: what a {@code
 * sftp://user[:password]@host[:port]/path} URL and the replica's config keys ({@code key-path},
 * {@code key-passphrase}, {@code host-key}, {@code known-hosts}) say. Nullable fields are unset.
 *
 * @param host server host name or address
 * @param port server port, 22 by default
 * @param user login name
 * @param password password, or null (public-key auth is preferred)
 * @param path replica root on the server, as the server shows it (e.g. {@code /db}); "" = login dir
 * @param keyPath OpenSSH private key file, or null
 * @param keyPassphrase passphrase of {@code keyPath}, or null when it has none
 * @param hostKey pinned server key: a {@code SHA256:} fingerprint or an OpenSSH public-key line, or
 *     null
 * @param knownHosts an OpenSSH known_hosts file, or null
 */
public record SftpTarget(
    String host,
    int port,
    String user,
    String password,
    String path,
    Path keyPath,
    String keyPassphrase,
    String hostKey,
    Path knownHosts) {

  /** The port an sftp URL without one means. */
  public static final int DEFAULT_PORT = 22;

  public SftpTarget {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("sftp replica: host required");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("sftp replica: port " + port + " outside 1..65535");
    }
    if (user == null || user.isEmpty()) {
      throw new IllegalArgumentException("sftp replica: user required");
    }
    if (path == null) {
      path = "";
    }
  }

  /** {@code sftp://user@host:port/path}, without secrets, for messages. */
  public String location() {
    String p = path.isEmpty() || path.startsWith("/") ? path : "/" + path;
    return "sftp://" + user + "@" + host + ":" + port + p;
  }

  @Override
  public String toString() {
    return location();
  }
}
