package dev.walship.server.config;

import dev.walship.toolkit.config.ConfigException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The checks of a configuration against the machine, run once before the server starts (and by
 * {@code check-config}): the listen address resolves, the host key is usable or can be created,
 * each user's root exists, its authorized-keys file exists and is not writable by group or others,
 * and its writable directories are directories (or can be created). Changes nothing.
 */
public final class ConfigChecks {
  private static final Set<PosixFilePermission> GROUP_OTHER_WRITE =
      EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
  private static final Set<PosixFilePermission> GROUP_OTHER_ANY =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private ConfigChecks() {}

  /** Throws the first problem found, as one line naming the file, key and line. */
  public static void check(ServerConfig config) throws ConfigException {
    ConfigSource src = config.source();
    checkListen(config, src);
    checkHostKey(config.hostKey(), src);
    for (int i = 0; i < config.users().size(); i++) {
      checkUser(config.users().get(i), i, src);
    }
  }

  private static void checkListen(ServerConfig config, ConfigSource src) throws ConfigException {
    try {
      InetAddress.getByName(config.listenHost());
    } catch (UnknownHostException e) {
      throw src.error(
          "listen", "bad listen address: host '" + config.listenHost() + "' does not resolve");
    }
  }

  private static void checkHostKey(Path key, ConfigSource src) throws ConfigException {
    if (Files.exists(key, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isRegularFile(key) || !Files.isReadable(key)) {
        throw src.error("host-key", key + " is not a readable file");
      }
      Set<PosixFilePermission> perms = permissions(key, "host-key", src);
      if (perms.stream().anyMatch(GROUP_OTHER_ANY::contains)) {
        throw src.error(
            "host-key",
            key
                + " has mode "
                + mode(perms)
                + ": a private key must not be accessible by group or others; run chmod 600 "
                + key);
      }
      return;
    }
    Path dir = key.getParent();
    if (!Files.isDirectory(dir)) {
      throw src.error(
          "host-key",
          "directory " + dir + " does not exist; create it (the key is created on first start)");
    }
    if (!Files.isWritable(dir)) {
      throw src.error(
          "host-key",
          key
              + " does not exist and directory "
              + dir
              + " is not writable, so it cannot be created; create the key or make the directory writable");
    }
  }

  private static void checkUser(UserConfig u, int i, ConfigSource src) throws ConfigException {
    String who = " (user " + u.name() + ")";
    String rootKey = src.userKey(i, "root");
    if (!Files.isDirectory(u.root())) {
      throw src.error(rootKey, "root " + u.root() + " does not exist or is not a directory" + who);
    }
    String keysKey = src.userKey(i, "authorized-keys");
    Path keys = u.authorizedKeys();
    if (!Files.isRegularFile(keys)) {
      throw src.error(keysKey, "authorized-keys file " + keys + " does not exist" + who);
    }
    if (!Files.isReadable(keys)) {
      throw src.error(keysKey, "authorized-keys file " + keys + " is not readable" + who);
    }
    Set<PosixFilePermission> perms = permissions(keys, keysKey, src);
    if (perms.stream().anyMatch(GROUP_OTHER_WRITE::contains)) {
      throw src.error(
          keysKey,
          "authorized-keys file "
              + keys
              + " has mode "
              + mode(perms)
              + ": writable by group or others"
              + who
              + "; run chmod go-w "
              + keys);
    }
    for (String w : u.writable()) {
      Path dir = u.root().resolve(w);
      if (Files.exists(dir) && !Files.isDirectory(dir)) {
        throw src.error(src.userKey(i, "writable"), dir + " exists and is not a directory" + who);
      }
      if (!Files.exists(dir) && !Files.isWritable(nearestExisting(dir))) {
        throw src.error(
            src.userKey(i, "writable"), dir + " does not exist and cannot be created" + who);
      }
    }
  }

  private static Path nearestExisting(Path p) {
    Path cur = p;
    while (cur != null && !Files.exists(cur)) {
      cur = cur.getParent();
    }
    return cur == null ? p.getRoot() : cur;
  }

  private static Set<PosixFilePermission> permissions(Path p, String key, ConfigSource src)
      throws ConfigException {
    try {
      return Files.getPosixFilePermissions(p);
    } catch (IOException | UnsupportedOperationException e) {
      throw src.error(key, "cannot read the permissions of " + p + ": " + e.getMessage());
    }
  }

  /** {@code 0644}-style mode of a permission set. */
  static String mode(Set<PosixFilePermission> perms) {
    String s = PosixFilePermissions.toString(perms);
    int m = 0;
    for (int i = 0; i < 9; i++) {
      m = (m << 1) | (s.charAt(i) == '-' ? 0 : 1);
    }
    return String.format(Locale.ROOT, "%04o", m);
  }
}
