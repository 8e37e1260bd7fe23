package dev.walship.server.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where each setting came from, for error messages: the file and the line of each key (keys are
 * dotted paths such as {@code users[0].root}). A configuration built in code has no file.
 */
public record ConfigSource(Path file, Map<String, Integer> lines) {
  /** The source of a configuration built in code. */
  public static final ConfigSource CODE = new ConfigSource(null, Map.of());

  public ConfigSource {
    lines = Map.copyOf(lines);
  }

  /** {@code FILE: line N: key} (or less, when the file or the line is unknown). */
  public String where(String key) {
    Integer line = lines.get(key);
    String prefix = file == null ? "" : file + ": ";
    if (line != null) {
      return prefix + "line " + line + ": " + key;
    }
    return prefix + key + (file == null ? "" : " (default)");
  }

  /**
   * The key a user's setting came from: {@code users[i].field} when the user sets it (or the
   * configuration has no file), else {@code defaults.field}.
   */
  public String userKey(int index, String field) {
    String own = "users[" + index + "]." + field;
    return file == null || lines.containsKey(own) ? own : "defaults." + field;
  }

  /** An error about {@code key}: {@code FILE: line N: key: problem}. */
  public ConfigException error(String key, String problem) {
    return new ConfigException(where(key) + ": " + problem);
  }
}
