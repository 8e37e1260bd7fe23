package dev.walship.server.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

class ModesTest {
  @Test
  void creationModesLoseGroupAndWorldWrite() {
    FileAttribute<?>[] asked = {
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx"))
    };
    assertEquals(PosixFilePermissions.fromString("rwxr-xr-x"), Modes.file(asked));
    assertEquals(PosixFilePermissions.fromString("rw-r--r--"), Modes.file());
    assertEquals(PosixFilePermissions.fromString("rwxr-xr-x"), Modes.directory()[0].value());
    assertEquals(1, Modes.directory(asked).length);
  }

  @Test
  void chmodValuesAreMaskedToo() {
    assertEquals(
        PosixFilePermissions.fromString("rw-r--r--"),
        Modes.masked("permissions", PosixFilePermissions.fromString("rw-rw-rw-"), false));
    assertEquals(0755, Modes.masked("mode", 0777, true));
    assertEquals("x", Modes.masked("lastModifiedTime", "x", false));
  }

  @Test
  void theOwnerIsNeverLockedOut() {
    FileAttribute<?>[] none = {
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("---------"))
    };
    assertEquals(PosixFilePermissions.fromString("rwx------"), Modes.directory(none)[0].value());
    assertEquals(PosixFilePermissions.fromString("r--------"), Modes.file(none));
    assertEquals(
        PosixFilePermissions.fromString("rwx---r-x"),
        Modes.masked("permissions", PosixFilePermissions.fromString("------r-x"), true));
    assertEquals(
        PosixFilePermissions.fromString("r--------"),
        Modes.masked("permissions", PosixFilePermissions.fromString("---------"), false));
    assertEquals(0700, Modes.masked("mode", 0, true));
    assertEquals(0444, Modes.masked("mode", 0044, false));
  }
}
