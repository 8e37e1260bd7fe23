package dev.walship.server.fs;

import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Modes of what users create or chmod: never writable by group or others, whatever the client
 * asks. Files default to 0644 and directories to 0755 when the client gives no mode.
 */
final class Modes {
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-r--r--");
  private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwxr-xr-x");

  private Modes() {}

  static FileAttribute<?>[] file(FileAttribute<?>... attrs) {
    return creation(FILE, attrs);
  }

  static FileAttribute<?>[] directory(FileAttribute<?>... attrs) {
    return creation(DIRECTORY, attrs);
  }

  /** The value to store for attribute {@code name}: permission sets and modes lose group/other write. */
  static Object masked(String name, Object value) {
    if (name.equals("permissions") && value instanceof Set<?> set) {
      return mask(set);
    }
    if (name.equals("mode") && value instanceof Integer mode) {
      return mode & ~0022;
    }
    return value;
  }

  static Set<PosixFilePermission> mask(Set<?> perms) {
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    for (Object o : perms) {
      if (o instanceof PosixFilePermission p) {
        out.add(p);
      }
    }
    out.remove(PosixFilePermission.GROUP_WRITE);
    out.remove(PosixFilePermission.OTHERS_WRITE);
    return out;
  }

  private static FileAttribute<?>[] creation(Set<PosixFilePermission> fallback, FileAttribute<?>... attrs) {
    Set<PosixFilePermission> perms = fallback;
    List<FileAttribute<?>> out = new ArrayList<>();
    for (FileAttribute<?> a : attrs) {
      if (a.name().equals("posix:permissions") && a.value() instanceof Set<?> set) {
        perms = mask(set);
      }
    }
    out.add(PosixFilePermissions.asFileAttribute(perms));
    return out.toArray(FileAttribute<?>[]::new);
  }
}
