package dev.walship.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionCommandTest {
  @TempDir Path dir;

  @Test
  void printsTheVersionAloneLikeLitestream() {
    CliRun r = CliRun.run(dir, Map.of(), "version");
    assertEquals(0, r.exit());
    assertEquals(VersionCommand.version() + "\n", r.out());
    assertEquals("", r.err());
  }

  @Test
  void fromClassesTheVersionIsMavensProjectVersion() {
    // Run from target/classes (no jar manifest): version.properties, filtered by Maven.
    assertTrue(
        VersionCommand.version().matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"),
        VersionCommand.version());
  }

  @Test
  void manifestWinsThenResourceThenUnknown() {
    Properties p = new Properties();
    p.setProperty("version", "0.1.0-SNAPSHOT");
    assertEquals("1.2.3", VersionCommand.version("1.2.3", p));
    assertEquals("0.1.0-SNAPSHOT", VersionCommand.version(null, p));
    assertEquals("unknown", VersionCommand.version(null, new Properties()));
    Properties unfiltered = new Properties();
    unfiltered.setProperty("version", "${project.version}");
    assertEquals("unknown", VersionCommand.version("", unfiltered));
  }
}
