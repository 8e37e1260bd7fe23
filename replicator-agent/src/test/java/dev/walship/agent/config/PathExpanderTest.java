package dev.walship.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PathExpanderTest {
  private final PathExpander paths = new PathExpander(Path.of("/home/op"), Path.of("/srv/work"));

  @Test
  void tildeIsTheHomeDirectory() {
    assertEquals(Path.of("/home/op"), paths.expand("~"));
    assertEquals(Path.of("/home/op/db/app.db"), paths.expand("~/db/app.db"));
    assertEquals(Path.of("/home/x"), paths.expand("~/../x"));
  }

  @Test
  void otherTildesAreRelativePathsAsInLitestream() {
    assertEquals(Path.of("/srv/work/~op/app.db"), paths.expand("~op/app.db"));
    assertEquals(Path.of("/srv/work/a~/b"), paths.expand("a~/b"));
  }

  @Test
  void relativePathsStartAtTheWorkingDirectoryAndAreCleaned() {
    assertEquals(Path.of("/srv/work/app.db"), paths.expand("app.db"));
    assertEquals(Path.of("/srv/app.db"), paths.expand("../app.db"));
    assertEquals(Path.of("/a/b"), paths.expand("/a//./c/../b/"));
    assertEquals(Path.of("/"), paths.expand("/.."));
  }

  @Test
  void needsAbsoluteDirectories() {
    assertThrows(
        IllegalArgumentException.class, () -> new PathExpander(Path.of("home"), Path.of("/")));
  }

  @Test
  void systemDefaultsAreAbsolute() {
    PathExpander p = PathExpander.ofSystem();
    assertEquals(Path.of(System.getProperty("user.home")).toAbsolutePath(), p.home());
    assertEquals(Path.of("").toAbsolutePath(), p.workDir());
  }
}
