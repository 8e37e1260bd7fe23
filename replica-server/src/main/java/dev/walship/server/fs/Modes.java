package dev.walship.server.fs;

import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Modes of what users create or chmod, whatever the client asks: never writable by group or others,
 * and never locking the server (the owner) out of its own tree: directories keep the owner's rwx
 * and files the owner's r, so a later listing, validation, quota count or start-up sweep can always
 * read them. Files default to 0644 and directories to 0755 when the client gives no mode.
 */
final class Modes {
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-r--r--");
  private static final Set<PosixFilePermission> DIRECTORY =
      PosixFilePermissions.fromString("rwxr-xr-x");
  private static final Set<PosixFilePermission> FILE_OWNER =
      EnumSet.of(PosixFilePermission.OWNER_READ);
  private static final Set<PosixFilePermission> DIRECTORY_OWNER =
      EnumSet.of(
          PosixFilePermission.OWNER_READ,
          PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.OWNER_EXECUTE);

  /** Where a staged upload's bytes go until it is published: only the server reads or writes it. */
  static final FileAttribute<Set<PosixFilePermission>> PRIVATE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  private Modes() {}

  /** The mode a new file gets, from the client's attributes. */
  static Set<PosixFilePermission> file(FileAttribute<?>... attrs) {
    return requested(FILE, attrs, false);
  }

  /** The creation attributes of a new directory. */
  static FileAttribute<?>[] directory(FileAttribute<?>... attrs) {
    return new FileAttribute<?>[] {
      PosixFilePermissions.asFileAttribute(requested(DIRECTORY, attrs, true))
    };
  }

  /** The value to store for attribute {@code name} of a file or directory: modes are masked. */
  static Object masked(String name, Object value, boolean directory) {
    if (name.equals("permissions") && value instanceof Set<?> set) {
      return mask(set, directory);
    }
    if (name.equals("mode") && value instanceof Integer mode) {
      return (mode & ~0022) | (directory ? 0700 : 0400);
    }
    return value;
  }

  /** {@code perms} without group/other write, with the owner bits the server needs. */
  static Set<PosixFilePermission> mask(Set<?> perms, boolean directory) {
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    for (Object o : perms) {
      if (o instanceof PosixFilePermission p) {
        out.add(p);
      }
    }
    out.remove(PosixFilePermission.GROUP_WRITE);
    out.remove(PosixFilePermission.OTHERS_WRITE);
    out.addAll(directory ? DIRECTORY_OWNER : FILE_OWNER);
    return out;
  }

  private static Set<PosixFilePermission> requested(
      Set<PosixFilePermission> fallback, FileAttribute<?>[] attrs, boolean directory) {
    for (FileAttribute<?> a : attrs) {
      if (a.name().equals("posix:permissions") && a.value() instanceof Set<?> set) {
        return mask(set, directory);
      }
    }
    return fallback;
  }
}
