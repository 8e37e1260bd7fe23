package dev.walship.server.config;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One user with the defaults and {@code %u} applied.
 *
 * @param name the SSH user name
 * @param root the directory the user sees as {@code /}
 * @param authorizedKeys the user's authorized-keys file (OpenSSH format)
 * @param writable directories under {@code root}, relative and {@code /}-separated, that the user
 *     may write inside (never the directory itself)
 */
public record UserConfig(String name, Path root, Path authorizedKeys, List<String> writable) {
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");

  public UserConfig {
    String nameProblem = nameProblem(name);
    if (nameProblem != null) {
      throw new IllegalArgumentException(nameProblem);
    }
    writable = List.copyOf(writable);
    for (String w : writable) {
      String problem = writableProblem(w);
      if (problem != null) {
        throw new IllegalArgumentException("writable '" + w + "': " + problem);
      }
    }
    root = root.toAbsolutePath().normalize();
    authorizedKeys = authorizedKeys.toAbsolutePath().normalize();
  }

  /** Why {@code name} is not a usable user name, or null. */
  static String nameProblem(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      return "user name '" + name + "' is not a POSIX user name ([a-z_][a-z0-9_.-]*, at most 32)";
    }
    return null;
  }

  /** Why {@code dir} is not a usable writable directory, or null. */
  static String writableProblem(String dir) {
    if (dir == null || dir.isEmpty()) {
      return "empty";
    }
    if (dir.startsWith("/")) {
      return "must be relative to the user's root (no leading '/')";
    }
    for (String part : dir.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        return "must be a plain relative path (no empty, '.' or '..' components)";
      }
    }
    return null;
  }
}
