package dev.walship.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.walship.toolkit.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private ServerConfig parse(String yaml) throws ConfigException {
    return ConfigLoader.parse(dir.resolve("rs.yml"), yaml);
  }

  private String error(String yaml) {
    return assertThrows(ConfigException.class, () -> parse(yaml)).getMessage();
  }

  @Test
  void theIssuesExampleWithDefaultsAndPercentU() throws Exception {
    ServerConfig c =
        parse(
            """
        listen: 127.0.0.1:2222                 # host:port
        host-key: /var/lib/replica-server/ssh_host_ed25519_key
        defaults:
          root: /var/data/%u
          authorized-keys: /etc/ssh/authorized_keys_%u
          writable: [db]
        users:
          - name: replicator
        """);
    assertEquals("127.0.0.1", c.listenHost());
    assertEquals(2222, c.listenPort());
    assertEquals(Path.of("/var/lib/replica-server/ssh_host_ed25519_key"), c.hostKey());
    UserConfig u = c.users().get(0);
    assertEquals(
        new UserConfig(
            "replicator",
            Path.of("/var/data/replicator"),
            Path.of("/etc/ssh/authorized_keys_replicator"),
            List.of("db")),
        u);
    assertEquals(Limits.DEFAULTS, c.limits());
  }

  @Test
  void everyKeyHasADefaultButUsers() throws Exception {
    ServerConfig c = parse("users: [{name: alice}]");
    assertEquals("127.0.0.1:2222", c.listen());
    assertEquals(Path.of(ServerConfig.DEFAULT_HOST_KEY), c.hostKey());
    assertEquals(Path.of("/var/data/alice"), c.users().get(0).root());
    assertEquals(Path.of("/etc/ssh/authorized_keys_alice"), c.users().get(0).authorizedKeys());
    assertEquals(List.of("db"), c.users().get(0).writable());
  }

  @Test
  void usersOverrideDefaultsAndRelativePathsFollowTheFile() throws Exception {
    ServerConfig c =
        parse(
            """
        listen: "[::1]:0"
        host-key: keys/host
        limits: {sessions-per-user: 3, open-handles: 9, idle-timeout: 90s, shutdown-grace: 250ms}
        users:
          - name: a
          - name: b
            root: roots/%u
            authorized-keys: /k/%u.keys
            writable: [x, y/z]
        """);
    assertEquals("::1", c.listenHost());
    assertEquals("[::1]:0", c.listen());
    assertEquals(dir.resolve("keys/host"), c.hostKey());
    assertEquals(
        Limits.DEFAULTS.toBuilder()
            .connectionsPerUser(3)
            .openHandles(9)
            .idleTimeout(Duration.ofSeconds(90))
            .shutdownGrace(Duration.ofMillis(250))
            .build(),
        c.limits(),
        "sessions-per-user, the old name, still works");
    UserConfig b = c.user("b").orElseThrow();
    assertEquals(dir.resolve("roots/b"), b.root());
    assertEquals(Path.of("/k/b.keys"), b.authorizedKeys());
    assertEquals(List.of("x", "y/z"), b.writable());
    assertEquals(Path.of("/var/data/a"), c.user("a").orElseThrow().root());
  }

  @Test
  void everyLimit() throws Exception {
    ServerConfig c =
        parse(
            """
        limits:
          connections-per-user: 1000
          channels-per-connection: 4
          open-handles: 16
          open-handles-per-user: 40
          idle-timeout: 1h
          login-grace: 1500ms
          unauthenticated-per-source: 8
          unauthenticated: 64
          shutdown-grace: 0s
        users: [{name: a}]
        """);
    assertEquals(
        new Limits(
            1000, 4, 16, 40, Duration.ofHours(1), Duration.ofMillis(1500), 8, 64, Duration.ZERO),
        c.limits());
    assertEquals(7, c.source().lines().get("limits.login-grace"));
  }

  @Test
  void badLimitsAreOneLineEach() {
    Path f = dir.resolve("rs.yml");
    assertEquals(
        f
            + ":3: limits.sessions-per-user: the old name of connections-per-user, which is also given: keep only connections-per-user",
        error("limits:\n  connections-per-user: 300\n  sessions-per-user: 10\nusers: [{name: a}]"));
    for (String key :
        new String[] {
          "connections-per-user",
          "sessions-per-user",
          "channels-per-connection",
          "unauthenticated-per-source",
          "unauthenticated"
        }) {
      assertEquals(
          f + ":2: limits." + key + ": '0' is not a whole number of at least 1",
          error("users: [{name: a}]\nlimits: {" + key + ": 0}"));
      assertEquals(
          f + ":2: limits." + key + ": \"many\" is not a whole number (e.g. 1000)",
          error("users: [{name: a}]\nlimits: {" + key + ": many}"));
    }
    assertEquals(
        f + ":2: limits.login-grace: must be more than 0 (e.g. 500ms, 30s, 10m, 1h30m)",
        error("users: [{name: a}]\nlimits: {login-grace: 0s}"));
    assertEquals(
        f
            + ":2: limits.login-grace: \"30\" is not a duration (e.g. 1s, 500ms, 1m): a number needs a unit, e.g. 30s",
        error("users: [{name: a}]\nlimits: {login-grace: 30}"));
    assertEquals(
        f
            + ":2: limits.max-sessions: unknown key; limits takes connections-per-user, sessions-per-user, channels-per-connection, open-handles, open-handles-per-user, idle-timeout, login-grace, unauthenticated-per-source, unauthenticated, shutdown-grace",
        error("users: [{name: a}]\nlimits: {max-sessions: 10}"));
  }

  @Test
  void unknownKeyNamesFileKeyAndLine() {
    Path f = dir.resolve("rs.yml");
    assertEquals(
        f + ":3: defaults.rot: unknown key; did you mean root?",
        error("listen: 127.0.0.1:2222\ndefaults:\n  rot: /x\nusers: [{name: a}]\n"));
    assertEquals(
        f + ":2: users[0].nmae: unknown key; did you mean name?", error("users:\n  - nmae: a\n"));
    assertEquals(
        f
            + ":1: port: unknown key; the file takes listen, host-key, defaults, users, limits, metrics-addr",
        error("port: 22\n"));
    assertEquals(
        f
            + ":1: limits.idle: unknown key; limits takes connections-per-user, sessions-per-user, channels-per-connection, open-handles, open-handles-per-user, idle-timeout, login-grace, unauthenticated-per-source, unauthenticated, shutdown-grace",
        error("limits: {idle: 1m}\nusers: [{name: a}]\n"));
  }

  @Test
  void badValuesAreOneLineEach() {
    Path f = dir.resolve("rs.yml");
    assertEquals(
        f
            + ":1: listen: \"127.0.0.1\" is not host:port or :port (e.g. :9090, 127.0.0.1:9090, [::1]:9090)",
        error("listen: 127.0.0.1\nusers: [{name: a}]\n"));
    assertEquals(
        f + ":1: listen: \"localhost:70000\": port 70000 is outside 0..65535",
        error("listen: localhost:70000\nusers: [{name: a}]\n"));
    assertEquals(
        f
            + ": listen: \":2222\" names no address; every interface is 0.0.0.0:2222 (or [::]:2222)"
                .replace(": listen", ":1: listen"),
        error("listen: :2222\nusers: [{name: a}]\n"));
    assertEquals(
        f + ":1: listen: expected a single, non-empty value",
        error("listen:\nusers: [{name: a}]\n"));
    assertEquals(
        f + ": users: missing: list at least one user, e.g. 'users: [{name: replicator}]'",
        error("listen: 127.0.0.1:1\n"));
    assertEquals(
        f + ":3: users[1].name: user 'a' is listed twice",
        error("users:\n  - name: a\n  - name: a\n"));
    assertEquals(
        f
            + ":1: users[0].name: user name 'Bad/Name' is not a POSIX user name ([a-z_][a-z0-9_.-]*, at most 32)",
        error("users: [{name: Bad/Name}]"));
    assertEquals(
        f
            + ":1: users[0].writable: '../up': must be a plain relative path (no empty, '.' or '..' components)",
        error("users: [{name: a, writable: [../up]}]"));
    assertEquals(
        f + ":1: limits.idle-timeout: \"10 minutes\" is not a duration (e.g. 1s, 500ms, 1m)",
        error("limits: {idle-timeout: 10 minutes}\nusers: [{name: a}]"));
    assertEquals(
        f + ":1: limits.idle-timeout: must be more than 0 (e.g. 500ms, 30s, 10m, 1h30m)",
        error("limits: {idle-timeout: 0s}\nusers: [{name: a}]"));
    assertEquals(
        f + ":1: limits.open-handles: '0' is not a whole number of at least 1",
        error("limits: {open-handles: 0}\nusers: [{name: a}]"));
    assertEquals(
        f + ":1: limits.open-handles-per-user: \"many\" is not a whole number (e.g. 1000)",
        error("limits: {open-handles-per-user: many}\nusers: [{name: a}]"));
  }

  @Test
  void immutableForAndQuotaPerUserOrFromDefaults() throws Exception {
    ServerConfig c =
        parse(
            """
        defaults: {immutable-for: 168h, quota: 10GiB}
        users:
          - name: a
          - name: b
            immutable-for: 0
            quota: none
          - name: c
            immutable-for: 36h
            quota: 1048576
        """);
    assertEquals(Duration.ofDays(7), c.user("a").orElseThrow().immutableFor());
    assertEquals(
        Duration.ofMinutes(90),
        parse("users: [{name: e, immutable-for: 1h30m}]").users().get(0).immutableFor());
    assertEquals(OptionalLong.of(10L << 30), c.user("a").orElseThrow().quota());
    assertEquals(Duration.ZERO, c.user("b").orElseThrow().immutableFor());
    assertEquals(OptionalLong.empty(), c.user("b").orElseThrow().quota());
    assertEquals(Duration.ofHours(36), c.user("c").orElseThrow().immutableFor());
    assertEquals(OptionalLong.of(1048576), c.user("c").orElseThrow().quota());
    UserConfig plain = parse("users: [{name: d}]").users().get(0);
    assertEquals(UserConfig.DEFAULT_IMMUTABLE_FOR, plain.immutableFor());
    assertEquals(Duration.ofHours(24), plain.immutableFor());
    assertEquals(OptionalLong.empty(), plain.quota());
  }

  @Test
  void badImmutableForAndQuotaAreOneLineEach() {
    Path f = dir.resolve("rs.yml");
    assertEquals(
        f + ":3: users[0].immutable-for: \"a week\" is not a duration (e.g. 1s, 500ms, 1m)",
        error("users:\n  - name: a\n    immutable-for: a week\n"));
    assertEquals(
        f + ":1: defaults.immutable-for: must be 0 or more (e.g. 500ms, 30s, 10m, 1h30m)",
        error("defaults: {immutable-for: -1h}\nusers: [{name: a}]"));
    String bytes =
        "is not a size in bytes such as 1073741824, 512MiB, 10GiB or 1TiB (at least 1), or none";
    assertEquals(
        f + ":1: users[0].quota: '10GB' " + bytes, error("users: [{name: a, quota: 10GB}]"));
    assertEquals(f + ":1: users[0].quota: '0' " + bytes, error("users: [{name: a, quota: 0}]"));
    assertEquals(
        f + ":1: defaults.quota: '99999999999TiB' " + bytes,
        error("defaults: {quota: 99999999999TiB}\nusers: [{name: a}]"));
    assertEquals(
        f + ":1: users[0].quota: expected a single value, found a list",
        error("users: [{name: a, quota: [1]}]"));
  }

  @Test
  void yamlSyntaxAndEmptyFiles() {
    Path f = dir.resolve("rs.yml");
    assertEquals(f + ": empty configuration: at least 'users:' is required", error("# nothing\n"));
    String msg = error("users: [{name: a}\n");
    assertEquals(true, msg.startsWith(f + ":2: invalid YAML: "), msg);
    assertEquals(
        f + ":2: listen: duplicate key (first at line 1)",
        error("listen: 127.0.0.1:1\nlisten: 127.0.0.1:2\nusers: [{name: a}]"));
  }

  @Test
  void durationsAreGosAsInTheAgent() throws Exception {
    ServerConfig c =
        parse("limits: {idle-timeout: 1h30m, shutdown-grace: 1.5s}\nusers: [{name: a}]");
    assertEquals(Duration.ofMinutes(90), c.limits().idleTimeout());
    assertEquals(Duration.ofMillis(1500), c.limits().shutdownGrace());
    assertEquals(
        Duration.ZERO,
        parse("limits: {shutdown-grace: 0}\nusers: [{name: a}]").limits().shutdownGrace());
  }

  @Test
  void missingFileSaysHowToNameOne() {
    Path missing = dir.resolve("nope.yml");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing));
    assertEquals(
        missing + ": no such configuration file (give -config FILE or set REPLICA_SERVER_CONFIG)",
        e.getMessage());
  }

  @Test
  void loadReadsTheFile() throws Exception {
    Path f = Files.writeString(dir.resolve("real.yml"), "users: [{name: zed}]\n");
    assertEquals("zed", ConfigLoader.load(f).users().get(0).name());
  }

  @Test
  void metricsAddrIsOffUnlessSet() throws ConfigException {
    assertEquals(null, parse("users: [{name: a}]\n").metricsAddr());
    assertEquals(":9100", parse("metrics-addr: \":9100\"\nusers: [{name: a}]\n").metricsAddr());
    String f = dir.resolve("rs.yml").toString();
    assertEquals(
        f
            + ":1: metrics-addr: \"9100\" is not host:port or :port (e.g. :9090, 127.0.0.1:9090, [::1]:9090)",
        error("metrics-addr: \"9100\"\nusers: [{name: a}]\n"));
  }
}
