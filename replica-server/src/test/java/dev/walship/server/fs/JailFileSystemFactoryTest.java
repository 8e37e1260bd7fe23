package dev.walship.server.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.server.config.UserConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JailFileSystemFactoryTest {
  @TempDir Path dir;

  private UserConfig user(Path root, String... writable) {
    return new UserConfig("alice", root, dir.resolve("keys"), List.of(writable));
  }

  @Test
  void createsMissingWritableDirectoriesPrivately() throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    new JailFileSystemFactory(List.of(user(root, "db", "a/b")), (n, c, t) -> {}, Clock.systemUTC());
    assertTrue(Files.isDirectory(root.resolve("db")));
    assertEquals(
        "rwxr-xr-x",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("a/b"))));
  }

  @Test
  void removesUploadsACrashLeftBehind() throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    Path deep = Files.createDirectories(root.resolve("db/generations/0123456789abcdef/wal"));
    Path stale = Files.writeString(deep.resolve(HiddenNames.PREFIX + "00ff"), "half");
    Path kept =
        Files.writeString(deep.resolve("00000000_00000000.wal.lz4.tmp"), "client's own temp");
    new JailFileSystemFactory(List.of(user(root, "db")), (n, c, t) -> {}, Clock.systemUTC());
    assertFalse(Files.exists(stale));
    assertTrue(Files.exists(kept));
  }

  @Test
  void emptiesTheStagingDirectoryAndCountsUsage() throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    Path staging = Files.createDirectories(root.resolve("db").resolve(HiddenNames.STAGING));
    Path stale =
        Files.writeString(staging.resolve(HiddenNames.PREFIX + "0a"), "interrupted upload");
    Files.write(Files.createDirectories(root.resolve("db/x")).resolve("f"), new byte[1000]);
    Files.write(root.resolve("db/g"), new byte[24]);
    Files.write(root.resolve("outside"), new byte[5000]);
    UserSpace space =
        UserSpace.open(
            user(root, "db"),
            Clock.systemUTC(),
            new DiskSpace(),
            new java.util.SplittableRandom(1),
            true);
    assertFalse(Files.exists(stale));
    assertEquals(1024, space.usage.used(), "files in writable directories only");
  }

  @Test
  void aWritableDirectoryMustStayInsideTheRoot() throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    Files.createSymbolicLink(root.resolve("db"), Files.createDirectories(dir.resolve("elsewhere")));
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                new JailFileSystemFactory(
                    List.of(user(root, "db")), (n, c, t) -> {}, Clock.systemUTC()));
    assertTrue(e.getMessage().contains("is not a directory inside the root"), e.getMessage());
  }
}
