package dev.walship.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.TestTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What the build promises beyond compiling: the library modules force no logging backend on an
 * application that embeds them, and the demo's application is not part of the agent.
 */
class BuildTest {
  private static final Pattern DEPENDENCY =
      Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);

  /** The dependencies of a module's pom that are passed on to whoever depends on the module. */
  private static List<String> transitive(String module) throws Exception {
    String pom = Files.readString(TestTools.repoRoot().resolve(module).resolve("pom.xml"));
    List<String> out = new ArrayList<>();
    Matcher m = DEPENDENCY.matcher(pom);
    while (m.find()) {
      String d = m.group(1);
      boolean passedOn =
          !d.contains("<optional>true</optional>")
              && !d.contains("<scope>test</scope>")
              && !d.contains("<scope>provided</scope>");
      if (passedOn) {
        out.add(d.replaceAll("(?s).*<artifactId>(.*?)</artifactId>.*", "$1"));
      }
    }
    return out;
  }

  @Test
  void librariesCarrySlf4jApiAndNoBackend() throws Exception {
    for (String module : List.of("shared-format", "replicator-agent", "replica-server")) {
      List<String> deps = transitive(module);
      assertTrue(deps.contains("slf4j-api"), module + ": " + deps);
      for (String backend :
          List.of(
              "logback-classic",
              "logback-core",
              "slf4j-simple",
              "log4j-slf4j2-impl",
              "slf4j-jdk14")) {
        assertFalse(deps.contains(backend), module + " passes " + backend + " on: " + deps);
      }
    }
  }

  @Test
  void theDemoApplicationIsNotPartOfTheAgent() throws Exception {
    Path main = TestTools.repoRoot().resolve("replicator-agent/src/main/java");
    try (var files = Files.walk(main)) {
      assertEquals(List.of(), files.filter(p -> p.toString().contains("/demo")).toList());
    }
    assertTrue(Files.exists(TestTools.repoRoot().resolve("scripts/demo-app/DemoApp.java")));
  }
}
