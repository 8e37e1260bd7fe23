package dev.walship.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class UserConfigTest {
  @Test
  void writableDirectoriesArePlainRelativePaths() {
    assertNull(UserConfig.writableProblem("db"));
    assertNull(UserConfig.writableProblem("a/b"));
    assertEquals(
        "must be relative to the user's root (no leading '/')", UserConfig.writableProblem("/db"));
    assertEquals(
        "must be a plain relative path (no empty, '.' or '..' components)",
        UserConfig.writableProblem("a/../b"));
    assertEquals(
        "must be a plain relative path (no empty, '.' or '..' components)",
        UserConfig.writableProblem("a//b"));
    assertEquals("empty", UserConfig.writableProblem(""));
  }

  @Test
  void namesArePosixUserNames() {
    assertNull(UserConfig.nameProblem("replicator"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new UserConfig("../x", Path.of("/r"), Path.of("/k"), List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new UserConfig("a", Path.of("/r"), Path.of("/k"), List.of("..")));
  }

  @Test
  void pathsAreAbsoluteAndNormal() {
    UserConfig u = new UserConfig("a", Path.of("/r/./x/../y"), Path.of("/k"), List.of());
    assertEquals(Path.of("/r/y"), u.root());
  }
}
