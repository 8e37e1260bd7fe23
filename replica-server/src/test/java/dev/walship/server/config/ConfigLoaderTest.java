package dev.walship.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    ServerConfig c = parse("""
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
    assertEquals(new UserConfig("replicator", Path.of("/var/data/replicator"),
        Path.of("/etc/ssh/authorized_keys_replicator"), List.of("db")), u);
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
    ServerConfig c = parse("""
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
    assertEquals(new Limits(3, 9, Duration.ofSeconds(90), Duration.ofMillis(250)), c.limits());
    UserConfig b = c.user("b").orElseThrow();
    assertEquals(dir.resolve("roots/b"), b.root());
    assertEquals(Path.of("/k/b.keys"), b.authorizedKeys());
    assertEquals(List.of("x", "y/z"), b.writable());
    assertEquals(Path.of("/var/data/a"), c.user("a").orElseThrow().root());
  }

  @Test
  void unknownKeyNamesFileKeyAndLine() {
    Path f = dir.resolve("rs.yml");
    assertEquals(f + ": line 3: defaults.rot: unknown key (expected one of: authorized-keys, immutable-for, quota, root, writable)",
        error("listen: 127.0.0.1:2222\ndefaults:\n  rot: /x\nusers: [{name: a}]\n"));
    assertEquals(f + ": line 2: users[0].nmae: unknown key (expected one of: authorized-keys, immutable-for, name, quota, root, writable)",
        error("users:\n  - nmae: a\n"));
    assertEquals(f + ": line 1: port: unknown key (expected one of: defaults, host-key, limits, listen, users)",
        error("port: 22\n"));
  }

  @Test
  void badValuesAreOneLineEach() {
    Path f = dir.resolve("rs.yml");
    assertEquals(f + ": line 1: listen: bad listen address '127.0.0.1': expected host:port, e.g. 127.0.0.1:2222 or [::1]:2222 (port 0..65535)",
        error("listen: 127.0.0.1\nusers: [{name: a}]\n"));
    assertEquals(f + ": line 1: listen: bad listen address 'localhost:70000': expected host:port, e.g. 127.0.0.1:2222 or [::1]:2222 (port 0..65535)",
        error("listen: localhost:70000\nusers: [{name: a}]\n"));
    assertEquals(f + ": users: missing: list at least one user, e.g. 'users: [{name: replicator}]'",
        error("listen: 127.0.0.1:1\n"));
    assertEquals(f + ": line 3: users[1].name: user 'a' is listed twice", error("users:\n  - name: a\n  - name: a\n"));
    assertEquals(f + ": line 1: users[0].name: user name 'Bad/Name' is not a POSIX user name ([a-z_][a-z0-9_.-]*, at most 32)",
        error("users: [{name: Bad/Name}]"));
    assertEquals(f + ": line 1: users[0].writable: '../up': must be a plain relative path (no empty, '.' or '..' components)",
        error("users: [{name: a, writable: [../up]}]"));
    assertEquals(f + ": line 1: limits.idle-timeout: '10 minutes' is not a duration such as 500ms, 30s, 10m, 1h or 7d (above zero)",
        error("limits: {idle-timeout: 10 minutes}\nusers: [{name: a}]"));
    assertEquals(f + ": line 1: limits.open-handles: '0' is not a whole number of at least 1",
        error("limits: {open-handles: 0}\nusers: [{name: a}]"));
  }

  @Test
  void immutableForAndQuotaPerUserOrFromDefaults() throws Exception {
    ServerConfig c = parse("""
        defaults: {immutable-for: 7d, quota: 10GiB}
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
    assertEquals(f + ": line 3: users[0].immutable-for: 'a week' is not a duration such as 500ms, 30s, 10m, 1h or 7d",
        error("users:\n  - name: a\n    immutable-for: a week\n"));
    assertEquals(f + ": line 1: defaults.immutable-for: '-1h' is not a duration such as 500ms, 30s, 10m, 1h or 7d",
        error("defaults: {immutable-for: -1h}\nusers: [{name: a}]"));
    String bytes = "is not a size in bytes such as 1073741824, 512MiB, 10GiB or 1TiB (at least 1), or none";
    assertEquals(f + ": line 1: users[0].quota: '10GB' " + bytes, error("users: [{name: a, quota: 10GB}]"));
    assertEquals(f + ": line 1: users[0].quota: '0' " + bytes, error("users: [{name: a, quota: 0}]"));
    assertEquals(f + ": line 1: defaults.quota: '99999999999TiB' " + bytes, error("defaults: {quota: 99999999999TiB}\nusers: [{name: a}]"));
    assertEquals(f + ": line 1: users[0].quota: expected a single, non-empty value", error("users: [{name: a, quota: [1]}]"));
  }

  @Test
  void yamlSyntaxAndEmptyFiles() {
    Path f = dir.resolve("rs.yml");
    assertEquals(f + ": empty configuration: at least 'users:' is required", error("# nothing\n"));
    String msg = error("users: [{name: a}\n");
    assertEquals(true, msg.startsWith(f + ": line 2: not valid YAML: "), msg);
    assertEquals(f + ": line 2: listen: given twice", error("listen: 127.0.0.1:1\nlisten: 127.0.0.1:2\nusers: [{name: a}]"));
  }

  @Test
  void missingFileSaysHowToNameOne() {
    Path missing = dir.resolve("nope.yml");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing));
    assertEquals(missing + ": no such configuration file (give -config FILE or set REPLICA_SERVER_CONFIG)", e.getMessage());
  }

  @Test
  void loadReadsTheFile() throws Exception {
    Path f = Files.writeString(dir.resolve("real.yml"), "users: [{name: zed}]\n");
    assertEquals("zed", ConfigLoader.load(f).users().get(0).name());
  }
}
