package dev.walship.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.Proc;
import dev.walship.testing.TestTools;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

class DatabasesCommandTest {
  /** What the sample configs read from the environment. */
  static final Map<String, String> SAMPLE_ENV =
      Map.of(
          "APP_DATA", "/srv/app-data", "REPLICA_USER", "backup", "REPLICA_HOST", "alpha.internal");

  @TempDir Path dir;

  static Path samples() {
    try {
      return Path.of(DatabasesCommandTest.class.getResource("/config").toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  /** Litestream v0.3.13's own output for the same config, environment and working directory. */
  private static Proc.Result litestream(Path workDir, Map<String, String> env, String... args) {
    List<String> cmd = new ArrayList<>(List.of(TestTools.litestream().toString(), "databases"));
    cmd.addAll(List.of(args));
    return Proc.run(Duration.ofSeconds(60), workDir, env, null, cmd.toArray(String[]::new));
  }

  private static Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putAll(extra);
    return env;
  }

  private static void sameAsLitestream(Path workDir, Map<String, String> extraEnv, String... args) {
    Proc.Result theirs = litestream(workDir, extraEnv, args).orThrow();
    CliRun ours = CliRun.run(workDir, env(extraEnv), prepend("databases", args));
    assertEquals(0, ours.exit(), ours.err());
    assertEquals(theirs.stdout(), ours.out());
    assertEquals("", ours.err());
  }

  private static String[] prepend(String first, String[] rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  @TestFactory
  Stream<DynamicTest> samplesPrintWhatLitestreamPrints() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(samples())) {
      for (Path d : dirs.sorted().toList()) {
        if (d.getFileName().toString().startsWith("sample-")) {
          tests.add(
              DynamicTest.dynamicTest(
                  d.getFileName().toString(),
                  () -> sameAsLitestream(d, SAMPLE_ENV, "-config", "litestream.yml")));
        }
      }
    }
    assertTrue(tests.size() >= 4);
    return tests.stream();
  }

  @Test
  void alignmentEnvironmentAndPathsAsLitestream() throws IOException {
    Files.writeString(
        dir.resolve("litestream.yml"),
        """
        dbs:
          - path: a.db
            replicas:
              - path: r1
              - url: sftp://u@h/x
                name: a-rather-long-replica-name
          - path: ./sub/../$DB_NAME/${DB_NAME}x$/$$/${}/end.db
          - path: ~/home.db
            replicas:
              - type: sftp
                host: h
                user: u
              - url: file:///tmp/x
                name: second
          - path: /a/very/long/path/with/many/parts/and/non-ascii/\u00fc\u00f1\u00ed\u00e7\u00f8d\u00e9/database.sqlite
        """);
    sameAsLitestream(dir, Map.of("DB_NAME", "orders"), "-config", "litestream.yml");
    sameAsLitestream(
        dir, Map.of("DB_NAME", "orders"), "-config", dir.resolve("litestream.yml").toString());
  }

  @Test
  void noExpandEnvAsLitestream() throws IOException {
    Files.writeString(dir.resolve("c.yml"), "dbs:\n  - path: /srv/$DB_NAME/${DB_NAME}.db\n");
    sameAsLitestream(dir, Map.of("DB_NAME", "orders"), "-no-expand-env", "-config", "c.yml");
    CliRun ours =
        CliRun.run(
            dir, Map.of("DB_NAME", "orders"), "databases", "-no-expand-env", "-config", "c.yml");
    assertEquals("path" + " ".repeat(25) + "replicas\n/srv/$DB_NAME/${DB_NAME}.db  \n", ours.out());
  }

  @Test
  void emptyConfigPrintsTheHeaderAsLitestream() throws IOException {
    Files.writeString(dir.resolve("empty.yml"), "");
    Files.writeString(dir.resolve("nodbs.yml"), "dbs: []\n");
    sameAsLitestream(dir, Map.of(), "-config", "empty.yml");
    sameAsLitestream(dir, Map.of(), "-config", "nodbs.yml");
    assertEquals(
        "path  replicas\n", CliRun.run(dir, Map.of(), "databases", "-config", "empty.yml").out());
  }

  @Test
  void configFromEnvironmentVariable() throws IOException {
    Files.writeString(
        dir.resolve("env.yml"), "dbs:\n  - path: /x.db\n    replicas:\n      - path: /r\n");
    CliRun r = CliRun.run(dir, Map.of("REPLICATOR_CONFIG", "env.yml"), "databases");
    assertEquals("path   replicas\n/x.db  file\n", r.out());
  }

  @Test
  void missingConfigIsAnOperatorError() {
    CliRun r = CliRun.run(dir, Map.of(), "databases", "-config", "nope.yml");
    assertEquals(1, r.exit());
    assertEquals("error: config file not found: " + dir.resolve("nope.yml") + "\n", r.err());
    assertEquals("", r.out());
    assertEquals(
        1, litestream(dir, Map.of(), "-config", "nope.yml").exit(), "Litestream exits 1 too");
  }

  @Test
  void invalidConfigIsOneLineWithFileLineAndKey() throws IOException {
    Files.writeString(
        dir.resolve("bad.yml"), "dbs:\n  - path: /a.db\n    monitor-interval: soon\n");
    CliRun r = CliRun.run(dir, Map.of(), "databases", "-config", "bad.yml");
    assertEquals(1, r.exit());
    assertEquals(
        "error: bad.yml:3: dbs[0].monitor-interval: \"soon\" is not a duration (e.g. 1s, 500ms, 1m)\n",
        r.err());
  }

  @Test
  void argumentsAreUsageErrors() {
    CliRun r = CliRun.run(dir, Map.of(), "databases", "extra");
    assertEquals(2, r.exit());
    assertTrue(r.err().startsWith("error: "), r.err());
    assertTrue(r.err().contains("usage: replicator databases"), r.err());
    CliRun flag = CliRun.run(dir, Map.of(), "databases", "-bogus");
    assertEquals(2, flag.exit());
    assertTrue(flag.err().startsWith("error: Unknown option: '-bogus'"), flag.err());
  }

  @Test
  void doubleDashAndEqualsFormsWorkAsInGo() throws IOException {
    Files.writeString(dir.resolve("c.yml"), "dbs:\n  - path: /x.db\n");
    assertEquals(0, CliRun.run(dir, Map.of(), "databases", "--config", "c.yml").exit());
    assertEquals(0, CliRun.run(dir, Map.of(), "databases", "-config=c.yml").exit());
    assertEquals(
        0, CliRun.run(dir, Map.of(), "databases", "--no-expand-env", "-config", "c.yml").exit());
  }
}
