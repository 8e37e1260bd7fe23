package dev.walship.server.config;

import dev.walship.toolkit.config.ConfigException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where each setting came from, for the errors found after parsing (by {@link ConfigChecks} and at
 * start): the file and the line of each key (keys are dotted paths such as {@code users[0].root}).
 * A configuration built in code has no file.
 */
public record ConfigSource(Path file, Map<String, Integer> lines) {
  /** The source of a configuration built in code. */
  public static final ConfigSource CODE = new ConfigSource(null, Map.of());

  public ConfigSource {
    lines = Map.copyOf(lines);
  }

  /**
   * The key a user's setting came from: {@code users[i].field} when the user sets it (or the
   * configuration has no file), else {@code defaults.field}.
   */
  public String userKey(int index, String field) {
    String own = "users[" + index + "]." + field;
    return file == null || lines.containsKey(own) ? own : "defaults." + field;
  }

  /**
   * An error about {@code key}: {@code FILE:LINE: key: problem}, or {@code FILE: key (default):
   * problem} for a value the file does not set, or {@code key: problem} without a file.
   */
  public ConfigException error(String key, String problem) {
    if (file == null) {
      return new ConfigException(key + ": " + problem);
    }
    Integer line = lines.get(key);
    return new ConfigException(
        file.toString(), line == null ? 0 : line, line == null ? key + " (default)" : key, problem);
  }
}
