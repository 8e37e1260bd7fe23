package dev.walship.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.s3.S3Credentials;
import dev.walship.agent.s3.S3Target;
import dev.walship.agent.sftp.SftpTarget;
import dev.walship.toolkit.config.ConfigException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  /** A valid ed25519 public key (the form matters here, not the key). */
  static final String ED25519 =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

  @TempDir Path dir;

  private ConfigLoader loader(Map<String, String> env) {
    return new ConfigLoader(env, new PathExpander(Path.of("/home/op"), dir));
  }

  private AgentConfig parse(String yaml) throws ConfigException {
    return loader(Map.of()).parse(yaml, "litestream.yml", true);
  }

  private String error(String yaml) {
    return assertThrows(ConfigException.class, () -> parse(yaml)).getMessage();
  }

  static Path resources(String name) {
    try {
      return Path.of(ConfigLoaderTest.class.getResource("/config/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Every config/<case>/ with an error.txt: loading litestream.yml fails with exactly that line.
   */
  @TestFactory
  Stream<DynamicTest> goldenErrors() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    try (Stream<Path> cases = Files.list(resources(""))) {
      for (Path c : cases.sorted().toList()) {
        if (Files.exists(c.resolve("error.txt"))) {
          tests.add(DynamicTest.dynamicTest(c.getFileName().toString(), () -> goldenError(c)));
        }
      }
    }
    assertTrue(tests.size() >= 50, "golden cases found: " + tests.size());
    return tests.stream();
  }

  private static void goldenError(Path c) throws IOException {
    String expected =
        Files.readString(c.resolve("error.txt")).strip().replace("${DIR}", c.toString());
    PathExpander paths = new PathExpander(Path.of("/home/op"), c);
    ConfigLoader loader = new ConfigLoader(Map.of("HOME", "/home/op"), paths);
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> loader.load(ConfigFile.locate("litestream.yml", Map.of(), paths), true));
    assertEquals(expected, e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
    assertEquals(0, e.getStackTrace().length, "operator errors carry no stack trace");
  }

  @Test
  void minimalConfigGetsEveryDefault() throws ConfigException {
    AgentConfig c =
        parse("dbs:\n  - path: /var/lib/app/app.db\n    replicas:\n      - path: /backups/app\n");
    assertNull(c.addr());
    assertNull(c.exec());
    assertEquals(LoggingConfig.DEFAULTS, c.logging());
    assertEquals(
        new LoggingConfig(LoggingConfig.Level.INFO, LoggingConfig.Format.TEXT, false), c.logging());
    DbConfig db = c.dbs().get(0);
    assertEquals(Path.of("/var/lib/app/app.db"), db.path());
    assertEquals(Path.of("/var/lib/app/.app.db-replicator"), db.metaPath());
    assertEquals(Duration.ofSeconds(1), db.monitorInterval());
    assertEquals(Duration.ofMinutes(1), db.checkpointInterval());
    assertEquals(1000, db.minCheckpointPageCount());
    assertEquals(10000, db.maxCheckpointPageCount());
    var r = assertInstanceOf(FileReplicaConfig.class, db.replicas().get(0));
    assertEquals("file", r.name());
    assertEquals(Path.of("/backups/app"), r.path());
    assertEquals(
        new ReplicaTiming(
            Duration.ofHours(24), Duration.ofHours(1), Duration.ZERO, Duration.ZERO, Duration.ZERO),
        r.timing());
  }

  @Test
  void everyKeyIsRead() throws ConfigException {
    Path c = resources("sample-every-key");
    PathExpander paths = new PathExpander(Path.of("/home/op"), c);
    AgentConfig cfg =
        new ConfigLoader(Map.of(), paths)
            .load(ConfigFile.locate("litestream.yml", Map.of(), paths), true);
    assertEquals(":9090", cfg.addr());
    assertEquals("myapp -port 8080", cfg.exec());
    assertEquals(
        new LoggingConfig(LoggingConfig.Level.DEBUG, LoggingConfig.Format.JSON, true),
        cfg.logging());
    DbConfig db = cfg.dbs().get(0);
    assertEquals(
        new DbConfig(
            c.resolve("data/app.db"),
            Path.of("/home/op/meta/app"),
            Duration.ofMillis(250),
            Duration.ofSeconds(30),
            500,
            5000,
            db.replicas()),
        db);
    assertEquals(
        new FileReplicaConfig(
            "local",
            Path.of("/home/op/backups/app"),
            new ReplicaTiming(
                Duration.ofHours(72),
                Duration.ofMinutes(30),
                Duration.ofMillis(100),
                Duration.ofHours(6),
                Duration.ofMinutes(90))),
        db.replicas().get(0));
    SftpTarget alpha =
        new SftpTarget(
            "alpha.example",
            2222,
            "backup",
            "1234",
            "srv/app",
            c.resolve("replica-key"),
            "hunter2",
            ED25519 + " alpha",
            null);
    assertEquals(
        new SftpReplicaConfig("alpha", alpha, ReplicaTiming.DEFAULTS), db.replicas().get(1));
    SftpTarget third =
        new SftpTarget(
            "2001:db8::1", 22, "u", "p@ss", "/x y", null, null, null, c.resolve("known_hosts"));
    assertEquals(
        new SftpReplicaConfig("sftp", third, ReplicaTiming.DEFAULTS), db.replicas().get(2));
  }

  @Test
  void urlPartsFillOnlyWhatKeysLeaveUnset() throws ConfigException {
    SftpTarget t =
        ((SftpReplicaConfig)
                parse(
                        """
                        dbs:
                          - path: /a.db
                            replicas:
                              - url: sftp://urluser:urlpass@alpha/db
                                user: keyuser
                                password: keypass
                        """)
                    .dbs()
                    .get(0)
                    .replicas()
                    .get(0))
            .target();
    assertEquals("keyuser", t.user());
    assertEquals("keypass", t.password());
    assertEquals("/db", t.path());
    assertEquals(22, t.port());
  }

  @Test
  void typeComesFromUrlSchemeThenTypeThenFile() throws ConfigException {
    List<ReplicaConfig> rs =
        parse(
                """
                dbs:
                  - path: /a.db
                    replicas:
                      - url: file:///backups/a
                        name: one
                      - url: sftp://u@h/b
                      - type: sftp
                        host: h
                        user: u
                        name: three
                      - path: relative/dir
                        type: file
                        name: four
                """)
            .dbs()
            .get(0)
            .replicas();
    assertEquals(
        List.of("file", "sftp", "sftp", "file"), rs.stream().map(ReplicaConfig::type).toList());
    assertEquals(Path.of("/backups/a"), ((FileReplicaConfig) rs.get(0)).path());
    assertEquals(dir.resolve("relative/dir"), ((FileReplicaConfig) rs.get(3)).path());
    assertEquals("", ((SftpReplicaConfig) rs.get(2)).target().path(), "no path: login directory");
  }

  @Test
  void environmentIsExpandedUnlessTurnedOff() throws ConfigException {
    String yaml = "dbs:\n  - path: ${DATA}/$NAME.db\n    replicas:\n      - path: $BACKUP/x$\n";
    var env = Map.of("DATA", "/srv/data", "NAME", "app", "BACKUP", "/bk");
    AgentConfig on = loader(env).parse(yaml, "f.yml", true);
    assertEquals(Path.of("/srv/data/app.db"), on.dbs().get(0).path());
    assertEquals(Path.of("/bk/x$"), ((FileReplicaConfig) on.dbs().get(0).replicas().get(0)).path());
    AgentConfig off = loader(env).parse(yaml, "f.yml", false);
    assertEquals(dir.resolve("${DATA}/$NAME.db"), off.dbs().get(0).path());
  }

  @Test
  void unsetVariableIsEmptyAndEmptyValueMeansDefault() throws ConfigException {
    AgentConfig c =
        loader(Map.of())
            .parse(
                "dbs:\n  - path: /a.db\n    replicas:\n      - path: /b\n        retention: $RETENTION\n",
                "f.yml",
                true);
    assertEquals(Duration.ofHours(24), c.dbs().get(0).replicas().get(0).timing().retention());
  }

  @Test
  void scalarsAreReadAsYamlV2ReadsThem() throws ConfigException {
    AgentConfig c =
        parse(
            """
            logging:
              stderr: y
              level: ~
            dbs:
              - path: "/a.db"
                meta-path: null
                replicas:
                  - type: sftp
                    host: 10.0.0.1
                    user: 1000
                    password: yes
                    sync-interval: 0
            """);
    assertTrue(c.logging().stderr());
    assertEquals(LoggingConfig.Level.INFO, c.logging().level());
    assertEquals(Path.of("/.a.db-replicator"), c.dbs().get(0).metaPath());
    SftpReplicaConfig r = (SftpReplicaConfig) c.dbs().get(0).replicas().get(0);
    assertEquals("1000", r.target().user());
    assertEquals("yes", r.target().password());
    assertEquals(Duration.ZERO, r.timing().syncInterval());
  }

  @Test
  void mergeKeysApplyAndExplicitKeysWin() throws ConfigException {
    AgentConfig c =
        parse(
            """
            dbs:
              - path: /a.db
                replicas:
                  - &local
                    path: /backups/a
                    retention: 1h
                    name: a
                  - <<: *local
                    name: b
                    path: /backups/b
            """);
    ReplicaConfig b = c.dbs().get(0).replicas().get(1);
    assertEquals("b", b.name());
    assertEquals(Path.of("/backups/b"), ((FileReplicaConfig) b).path());
    assertEquals(Duration.ofHours(1), b.timing().retention());
  }

  @Test
  void emptyFilesAndEmptyListsAreValid() throws ConfigException {
    assertEquals(AgentConfig.EMPTY, parse(""));
    assertEquals(AgentConfig.EMPTY, parse("# nothing yet\n"));
    assertEquals(AgentConfig.EMPTY, parse("dbs:\n"));
    assertEquals(AgentConfig.EMPTY, parse("\uFEFFdbs: []\n"));
    assertEquals(
        List.of(), parse("dbs:\n  - path: /a.db\n    replicas:\n").dbs().get(0).replicas());
  }

  @Test
  void logLevelsAndFormatsAsLitestreamSpellsThem() throws ConfigException {
    assertEquals(LoggingConfig.Level.WARN, parse("logging:\n  level: Warning\n").logging().level());
    assertEquals(LoggingConfig.Level.WARN, parse("logging:\n  level: warn\n").logging().level());
    assertEquals(LoggingConfig.Level.ERROR, parse("logging:\n  level: error\n").logging().level());
    assertEquals(LoggingConfig.Format.TEXT, parse("logging:\n  type: text\n").logging().format());
    assertFalse(parse("logging:\n  stderr: off\n").logging().stderr());
  }

  @Test
  void addrForms() throws ConfigException {
    assertEquals("127.0.0.1:9090", parse("addr: 127.0.0.1:9090\n").addr());
    assertEquals("[::1]:9090", parse("addr: \"[::1]:9090\"\n").addr());
    assertEquals(
        "litestream.yml:1: addr: \"::1\" is not host:port or :port (e.g. :9090, 127.0.0.1:9090, [::1]:9090)",
        error("addr: \"::1\"\n"));
    assertEquals(
        "litestream.yml:1: addr: \":99999\": port 99999 is outside 0..65535",
        error("addr: \":99999\"\n"));
  }

  @Test
  void heartbeatUrlAndInterval() throws ConfigException {
    assertNull(parse("addr: :9090\n").heartbeat());
    HeartbeatConfig h = parse("heartbeat-url: https://hc-ping.com/abc\n").heartbeat();
    assertEquals(java.net.URI.create("https://hc-ping.com/abc"), h.url());
    assertEquals(Duration.ofMinutes(5), h.interval());
    assertEquals(
        Duration.ofSeconds(30),
        parse("heartbeat-url: http://kuma:3001/api/push/x\nheartbeat-interval: 30s\n")
            .heartbeat()
            .interval());
    assertEquals(
        "litestream.yml:1: heartbeat-url: \"ftp://x/y\" is not an http:// or https:// URL with a host",
        error("heartbeat-url: ftp://x/y\n"));
    assertEquals(
        "litestream.yml:1: heartbeat-interval: has no effect without heartbeat-url",
        error("heartbeat-interval: 1m\n"));
    assertTrue(
        error("heartbeat-url: http://a/\nheartbeat-interval: 0s\n")
            .startsWith("litestream.yml:2: heartbeat-interval: must be more than 0"));
  }

  @Test
  void missingFileSaysWhereTheNameCameFrom() {
    PathExpander paths = new PathExpander(Path.of("/home/op"), dir);
    ConfigLoader l = new ConfigLoader(Map.of(), paths);
    assertEquals(
        "config file not found: " + dir.resolve("nope.yml"),
        assertThrows(
                ConfigException.class,
                () -> l.load(ConfigFile.locate("nope.yml", Map.of(), paths), true))
            .getMessage());
    assertEquals(
        "config file not found: /nonexistent/r.yml (named by $REPLICATOR_CONFIG)",
        assertThrows(
                ConfigException.class,
                () ->
                    l.load(
                        ConfigFile.locate(
                            null, Map.of("REPLICATOR_CONFIG", "/nonexistent/r.yml"), paths),
                        true))
            .getMessage());
  }

  @Test
  void unreadableFilesAreOneLineErrors() throws IOException {
    PathExpander paths = new PathExpander(Path.of("/home/op"), dir);
    ConfigLoader l = new ConfigLoader(Map.of(), paths);
    Files.createDirectory(dir.resolve("adir"));
    String m =
        assertThrows(
                ConfigException.class,
                () -> l.load(ConfigFile.locate("adir", Map.of(), paths), true))
            .getMessage();
    assertTrue(m.startsWith("cannot read config file " + dir.resolve("adir") + ": "), m);
    Files.write(
        dir.resolve("latin1.yml"),
        "dbs: [{path: /caf\u00e9}]".getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(
        "latin1.yml: not UTF-8 text",
        assertThrows(
                ConfigException.class,
                () -> l.load(ConfigFile.locate("latin1.yml", Map.of(), paths), true))
            .getMessage());
  }

  @Test
  void replicaFromCommandLineUrl() throws ConfigException {
    ConfigLoader l = loader(Map.of());
    ReplicaConfig f = l.replicaFromUrl("file:backups/x");
    assertEquals(
        new FileReplicaConfig("file", dir.resolve("backups/x"), ReplicaTiming.DEFAULTS), f);
    ReplicaConfig s = l.replicaFromUrl("sftp://u:pw@alpha:2200/db");
    assertEquals(
        new SftpReplicaConfig(
            "sftp",
            new SftpTarget("alpha", 2200, "u", "pw", "/db", null, null, null, null),
            ReplicaTiming.DEFAULTS),
        s);
    assertEquals(
        "replica URL \"sftp://alpha/db\": has no user (expected sftp://user@host/path)",
        assertThrows(ConfigException.class, () -> l.replicaFromUrl("sftp://alpha/db"))
            .getMessage());
    var s3 = assertInstanceOf(S3ReplicaConfig.class, l.replicaFromUrl("s3://b/db"));
    assertEquals(
        new S3Target("b", "db", null, null, false, false, S3Credentials.DEFAULT_CHAIN),
        s3.target());
    assertEquals("s3", s3.name());
    assertEquals(
        "replica URL \"sftp://u:***@alpha:99999/db\": \"alpha:99999\": port 99999 is outside 1..65535",
        assertThrows(ConfigException.class, () -> l.replicaFromUrl("sftp://u:pw@alpha:99999/db"))
            .getMessage(),
        "a password in a URL is never shown");
  }

  @Test
  void commandLineS3UrlsTakeTheirKeysFromTheEnvironment() throws ConfigException {
    var s =
        (S3ReplicaConfig)
            loader(
                    Map.of(
                        "LITESTREAM_ACCESS_KEY_ID", "AKIA1", "LITESTREAM_SECRET_ACCESS_KEY", "sec"))
                .replicaFromUrl("s3://bkt.localhost:9000/a/b");
    assertEquals(
        new S3Target(
            "bkt",
            "a/b",
            "us-east-1",
            URI.create("http://localhost:9000"),
            true,
            false,
            S3Credentials.of("AKIA1", "sec", null, "$LITESTREAM_ACCESS_KEY_ID")),
        s.target());
    assertEquals(
        "replica URL s3://localhost:9000: names no bucket",
        assertThrows(
                ConfigException.class,
                () -> loader(Map.of()).replicaFromUrl("s3://localhost:9000/a"))
            .getMessage());
  }

  /** Samples shaped like Litestream v0.3.13's documented configs load unchanged. */
  @TestFactory
  Stream<DynamicTest> samplesLoad() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    try (Stream<Path> cases = Files.list(resources(""))) {
      for (Path c : cases.sorted().toList()) {
        if (c.getFileName().toString().startsWith("sample-")) {
          tests.add(DynamicTest.dynamicTest(c.getFileName().toString(), () -> sample(c)));
        }
      }
    }
    assertTrue(tests.size() >= 4, "samples found: " + tests.size());
    return tests.stream();
  }

  private static void sample(Path c) throws ConfigException {
    PathExpander paths = new PathExpander(Path.of("/home/op"), c);
    AgentConfig cfg =
        new ConfigLoader(SAMPLE_ENV, paths)
            .load(ConfigFile.locate("litestream.yml", Map.of(), paths), true);
    assertFalse(cfg.dbs().isEmpty());
  }

  /** The environment the samples expect. */
  static final Map<String, String> SAMPLE_ENV =
      Map.of(
          "APP_DATA", "/srv/app-data", "REPLICA_USER", "backup", "REPLICA_HOST", "alpha.internal");
}
