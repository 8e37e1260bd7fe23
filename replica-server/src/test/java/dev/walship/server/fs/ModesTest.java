package dev.walship.server.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

class ModesTest {
  @Test
  void creationModesLoseGroupAndWorldWrite() {
    FileAttribute<?>[] asked = {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx"))};
    assertEquals(PosixFilePermissions.fromString("rwxr-xr-x"), Modes.file(asked)[0].value());
    assertEquals(PosixFilePermissions.fromString("rw-r--r--"), Modes.file()[0].value());
    assertEquals(PosixFilePermissions.fromString("rwxr-xr-x"), Modes.directory()[0].value());
    assertEquals(1, Modes.directory(asked).length);
  }

  @Test
  void chmodValuesAreMaskedToo() {
    assertEquals(PosixFilePermissions.fromString("rw-r--r--"),
        Modes.masked("permissions", PosixFilePermissions.fromString("rw-rw-rw-")));
    assertEquals(0755, Modes.masked("mode", 0777));
    assertEquals("x", Modes.masked("lastModifiedTime", "x"));
  }
}
