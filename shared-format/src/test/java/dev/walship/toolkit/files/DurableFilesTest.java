package dev.walship.toolkit.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {
  @TempDir Path dir;

  @Test
  void replacesTheFileWholeAndLeavesNoTemporary() throws IOException {
    Path file = dir.resolve("state");
    Path temp = dir.resolve("state.tmp");
    Files.writeString(file, "old");
    Files.writeString(temp, "a crash's leftover");
    DurableFiles.write(
        file,
        temp,
        out -> {
          assertEquals("old", Files.readString(file), "the final name changes only at the rename");
          out.write("new".getBytes());
        });
    assertEquals("new", Files.readString(file));
    assertFalse(Files.exists(temp));
  }

  @Test
  void aFailedWriteKeepsTheOldFileAndRemovesTheTemporary() throws IOException {
    Path file = dir.resolve("state");
    Path temp = dir.resolve(".state.new");
    Files.writeString(file, "old");
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                DurableFiles.write(
                    file,
                    temp,
                    out -> {
                      out.write(new byte[100_000]);
                      throw new IOException("source vanished");
                    }));
    assertEquals("source vanished", e.getMessage());
    assertEquals("old", Files.readString(file));
    assertFalse(Files.exists(temp));
  }

  @Test
  void theMtimeAndThePermissionsAreTheFilesFromTheStart() throws IOException {
    Instant t = Instant.parse("2026-01-02T03:04:05Z");
    Path file = dir.resolve("segment");
    DurableFiles.write(file, dir.resolve("segment.tmp"), t, out -> out.write(new byte[] {1, 2}));
    assertEquals(t, Files.getLastModifiedTime(file).toInstant());
    assertArrayEquals(new byte[] {1, 2}, Files.readAllBytes(file));
    Path key = dir.resolve("key");
    DurableFiles.write(
        key,
        dir.resolve(".key.new"),
        out -> out.write(7),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    DurableFiles.sync(key);
    DurableFiles.syncDirectory(dir);
    assertTrue(Files.exists(key));
  }
}
