package dev.walship.toolkit.config;

/**
 * An operator's mistake in the configuration or in a replica URL: one line saying where (file,
 * line, key path) and what is wrong and expected, e.g. {@code litestream.yml:7:
 * dbs[0].replicas[0].sync-interval: "1x" is not a duration (e.g. 1s, 500ms, 1m)}. Print {@link
 * #getMessage()}; never a stack trace.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  /** A problem that has no place in a file (a command-line URL, a missing file). */
  public ConfigException(String message) {
    super(message, null, false, false);
  }

  /** A problem that has no place in a file, caused by {@code cause} (kept for debugging only). */
  public ConfigException(String message, Throwable cause) {
    super(message, cause, false, false);
  }

  /**
   * A problem at a place in a config file.
   *
   * @param source the file as the operator named it
   * @param line 1-based line, or 0 when unknown
   * @param keyPath e.g. {@code dbs[0].replicas[1].retention}, or "" for the whole file
   * @param problem what is wrong and what is expected
   */
  public ConfigException(String source, int line, String keyPath, String problem) {
    this(format(source, line, keyPath, problem));
  }

  private static String format(String source, int line, String keyPath, String problem) {
    StringBuilder sb = new StringBuilder(source);
    if (line > 0) {
      sb.append(':').append(line);
    }
    sb.append(": ");
    if (!keyPath.isEmpty()) {
      sb.append(keyPath).append(": ");
    }
    return sb.append(problem).toString();
  }
}
