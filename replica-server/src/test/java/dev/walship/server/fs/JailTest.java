package dev.walship.server.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JailTest {
  @TempDir Path tmp;
  Path root;
  Jail jail;

  @BeforeEach
  void tree() throws Exception {
    root = Files.createDirectories(tmp.resolve("root")).toRealPath();
    Files.createDirectories(root.resolve("db"));
    Files.createDirectories(root.resolve("ro"));
    Files.createDirectories(tmp.resolve("outside"));
    Files.createSymbolicLink(root.resolve("db/out"), tmp.resolve("outside"));
    Files.createSymbolicLink(root.resolve("up"), Path.of(".."));
    Files.createSymbolicLink(root.resolve("db/ro"), Path.of("../ro"));
    Files.createSymbolicLink(root.resolve("db/dangling"), tmp.resolve("nowhere"));
    jail = new Jail(root);
  }

  private Path resolve(boolean follow, String... names) throws Exception {
    return jail.resolve(List.of(names), follow);
  }

  @Test
  void plainPathsMapUnderTheRoot() throws Exception {
    assertEquals(root, resolve(true));
    assertEquals(root.resolve("db/new/deeper"), resolve(true, "db", "new", "deeper"));
  }

  @Test
  void linksInsideTheRootAreFollowedToWhereTheyLead() throws Exception {
    assertEquals(root.resolve("ro/x"), resolve(true, "db", "ro", "x"));
    assertEquals(root.resolve("ro"), resolve(true, "db", "ro"));
    assertEquals(
        root.resolve("db/ro"), resolve(false, "db", "ro"), "not following: the link itself");
  }

  @Test
  void linksThatLeadOutOrDangleAreRefused() {
    PolicyDeniedException e =
        assertThrows(PolicyDeniedException.class, () -> resolve(true, "db", "out"));
    assertEquals("/db/out", e.getFile());
    assertEquals("a symbolic link on the way leads outside the root", e.getReason());
    assertThrows(PolicyDeniedException.class, () -> resolve(true, "db", "out", "secret"));
    assertThrows(PolicyDeniedException.class, () -> resolve(false, "db", "out", "secret"));
    assertThrows(PolicyDeniedException.class, () -> resolve(true, "up", "outside"));
    assertThrows(PolicyDeniedException.class, () -> resolve(true, "db", "dangling"));
  }

  @Test
  void theLinkItselfCanBeActedOnWithoutFollowing() throws Exception {
    assertEquals(root.resolve("db/out"), resolve(false, "db", "out"));
    assertEquals(root.resolve("db/dangling"), resolve(false, "db", "dangling"));
  }

  @Test
  void viewsNeverShowHostPaths() {
    assertEquals("/db/x", jail.view(root.resolve("db/x")));
    assertEquals("/", jail.view(root));
    assertEquals("(outside)", jail.view(tmp));
  }
}
