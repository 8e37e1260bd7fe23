package dev.walship.agent.config;

import dev.walship.toolkit.config.ConfigException;

/**
 * A replica URL, in a config's {@code url:} key or on the command line ({@code replicator restore
 * sftp://…}), read as Litestream v0.3.13 reads it:
 *
 * <ul>
 *   <li>{@code file:///backups/db} (also {@code file:relative}, {@code file:~/db}): the rest after
 *       {@code file:}, cleaned; it is then expanded like any path. Only characters a URL path may
 *       hold unescaped are accepted, because Litestream would percent-encode the others (a space
 *       becomes a literal {@code %20} in its path): write such paths under {@code path:} instead.
 *   <li>{@code sftp://user[:password]@host[:port]/path}: user and password percent-decoded, port 22
 *       by default, path percent-decoded and kept as written ({@code /db} is absolute on the
 *       server, an empty path is the login directory); query and fragment are dropped.
 *   <li>{@code s3://bucket/path}: the host as Litestream's {@code s3.ParseHost} reads it (see
 *       {@link S3Host}: {@code bucket.localhost:9000}, provider hosts, else the bucket on AWS); the
 *       path percent-decoded, cleaned, without its leading slash. No user or password: S3 keys go
 *       under {@code access-key-id}/{@code secret-access-key} or in the environment.
 *   <li>{@code gcs://} and {@code abs://} are Litestream replica types we do not support (the
 *       message names what to use instead), and anything else is unknown: both are refused.
 *   <li>A value without a scheme is not a URL: Litestream refuses it in {@code url:} too.
 * </ul>
 */
public sealed interface ReplicaUrl {

  /** {@code url} as messages may show it: a password in it replaced by {@code ***}. */
  static String shown(String url) {
    return ReplicaUrlParser.withoutPassword(url);
  }

  /** A local directory replica; {@code path} is still to be expanded (see {@link PathExpander}). */
  record File(String path) implements ReplicaUrl {}

  /**
   * An SFTP replica as the URL writes it.
   *
   * @param user login name, or null when the URL has none
   * @param password password, or null when the URL has none
   * @param path replica root as the server shows it, "" for the login directory
   */
  record Sftp(String host, int port, String user, String password, String path)
      implements ReplicaUrl {}

  /**
   * An S3 replica as the URL writes it.
   *
   * @param host the URL's host and port, to read with {@link S3Host#parse}
   * @param path the replica's path in the bucket, "" for the top
   */
  record S3(String host, String path) implements ReplicaUrl {}

  /** What Litestream's {@code isURL} checks: a word, then {@code ://}. */
  static boolean isUrl(String s) {
    return ReplicaUrlParser.isUrl(s);
  }

  /**
   * Parses a replica URL given on the command line.
   *
   * @throws ConfigException naming the URL, what is wrong and what is expected
   */
  static ReplicaUrl parse(String url) throws ConfigException {
    try {
      return ReplicaUrlParser.parse(url);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("replica URL \"" + shown(url) + "\": " + e.getMessage());
    }
  }
}
