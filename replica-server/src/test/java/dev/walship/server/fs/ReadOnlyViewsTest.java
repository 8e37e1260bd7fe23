package dev.walship.server.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadOnlyViewsTest {
  @TempDir Path dir;

  @Test
  void readsPassSetsAreRefused() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "x");
    var before = Files.getPosixFilePermissions(f);
    PosixFileAttributeView view =
        ReadOnlyViews.wrap(
            PosixFileAttributeView.class,
            Files.getFileAttributeView(f, PosixFileAttributeView.class),
            "/f");
    assertEquals(1, view.readAttributes().size());
    PolicyDeniedException e =
        assertThrows(
            PolicyDeniedException.class,
            () -> view.setPermissions(PosixFilePermissions.fromString("rwxrwxrwx")));
    assertEquals("/f", e.getFile());
    assertThrows(
        PolicyDeniedException.class, () -> view.setTimes(FileTime.fromMillis(0), null, null));
    assertEquals(before, Files.getPosixFilePermissions(f));
    assertNull(ReadOnlyViews.wrap(PosixFileAttributeView.class, null, "/f"));
  }
}
