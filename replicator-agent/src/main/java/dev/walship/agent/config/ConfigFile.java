package dev.walship.agent.config;

import dev.walship.toolkit.config.ConfigException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Which config file a command reads: {@code -config FILE}, else {@code $REPLICATOR_CONFIG}, else
 * {@code /etc/replicator.yml} (Litestream: {@code $LITESTREAM_CONFIG}, {@code
 * /etc/litestream.yml}). An empty value counts as unset, as in Litestream.
 *
 * @param path absolute path to read
 * @param shown the file as the operator wrote it, for messages
 * @param origin where the name came from
 */
public record ConfigFile(Path path, String shown, Origin origin) {
  /** The environment variable naming the config file. */
  public static final String ENV_VAR = "REPLICATOR_CONFIG";

  /** The config file when neither {@code -config} nor {@link #ENV_VAR} names one. */
  public static final String DEFAULT = "/etc/replicator.yml";

  /** Where a config file's name came from. */
  public enum Origin {
    FLAG,
    ENVIRONMENT,
    DEFAULT
  }

  /**
   * Picks the config file.
   *
   * @param flag the {@code -config} value, or null
   * @throws ConfigException when the name is not a valid path
   */
  public static ConfigFile locate(String flag, Map<String, String> env, PathExpander paths)
      throws ConfigException {
    String fromEnv = env.get(ENV_VAR);
    if (flag != null && !flag.isEmpty()) {
      return of(flag, Origin.FLAG, paths);
    }
    if (fromEnv != null && !fromEnv.isEmpty()) {
      return of(fromEnv, Origin.ENVIRONMENT, paths);
    }
    return of(DEFAULT, Origin.DEFAULT, paths);
  }

  private static ConfigFile of(String written, Origin origin, PathExpander paths)
      throws ConfigException {
    try {
      return new ConfigFile(paths.expand(written), written, origin);
    } catch (InvalidPathException e) {
      throw new ConfigException("config file name \"" + written + "\" is not a valid path");
    }
  }

  /** The message for a file that does not exist. */
  String notFound() {
    return "config file not found: "
        + path
        + switch (origin) {
          case FLAG -> "";
          case ENVIRONMENT -> " (named by $" + ENV_VAR + ")";
          case DEFAULT -> " (the default; give -config FILE or set $" + ENV_VAR + ")";
        };
  }
}
