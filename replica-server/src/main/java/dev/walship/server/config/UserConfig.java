package dev.walship.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * One user with the defaults and {@code %u} applied.
 *
 * @param name the SSH user name
 * @param root the directory the user sees as {@code /}
 * @param authorizedKeys the user's authorized-keys file (OpenSSH format)
 * @param writable directories under {@code root}, relative and {@code /}-separated, that the user
 *     may write inside (never the directory itself)
 * @param immutableFor how long a published snapshot or WAL segment (and what restoring it needs)
 *     cannot be removed, renamed, replaced or changed by any client; zero turns it off
 * @param quota the most bytes the user's files may take, if limited
 */
public record UserConfig(
    String name,
    Path root,
    Path authorizedKeys,
    List<String> writable,
    Duration immutableFor,
    OptionalLong quota) {
  /** Default of {@code immutable-for}: a day, Litestream's default retention. */
  public static final Duration DEFAULT_IMMUTABLE_FOR = Duration.ofHours(24);

  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");

  /** A user with the default {@code immutable-for} and no quota. */
  public UserConfig(String name, Path root, Path authorizedKeys, List<String> writable) {
    this(name, root, authorizedKeys, writable, DEFAULT_IMMUTABLE_FOR, OptionalLong.empty());
  }

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
    if (immutableFor.isNegative()) {
      throw new IllegalArgumentException("immutable-for must not be negative, got " + immutableFor);
    }
    if (quota.isPresent() && quota.getAsLong() < 1) {
      throw new IllegalArgumentException("quota must be at least 1 byte, got " + quota.getAsLong());
    }
    root = root.toAbsolutePath().normalize();
    authorizedKeys = authorizedKeys.toAbsolutePath().normalize();
  }

  /** The same user with {@code immutable-for} set to {@code d}. */
  public UserConfig withImmutableFor(Duration d) {
    return new UserConfig(name, root, authorizedKeys, writable, d, quota);
  }

  /** The same user with a quota of {@code bytes}. */
  public UserConfig withQuota(long bytes) {
    return new UserConfig(
        name, root, authorizedKeys, writable, immutableFor, OptionalLong.of(bytes));
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
