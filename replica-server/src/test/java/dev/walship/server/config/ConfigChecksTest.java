package dev.walship.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.walship.toolkit.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigChecksTest {
  @TempDir Path dir;
  Path file;

  @BeforeEach
  void layout() throws Exception {
    file = dir.resolve("rs.yml");
    Files.createDirectories(dir.resolve("data/alice/db"));
    Files.writeString(dir.resolve("keys_alice"), "");
    Files.setPosixFilePermissions(
        dir.resolve("keys_alice"), PosixFilePermissions.fromString("rw-r--r--"));
  }

  private ServerConfig config(String extra) throws ConfigException {
    return ConfigLoader.parse(
        file,
        """
        listen: 127.0.0.1:0
        host-key: host/key
        defaults:
          root: data/%u
          authorized-keys: keys_%u
        """
            + extra);
  }

  private String error(ServerConfig c) {
    return assertThrows(ConfigException.class, () -> ConfigChecks.check(c)).getMessage();
  }

  @Test
  void aSoundConfigurationPasses() throws Exception {
    Files.createDirectories(dir.resolve("host"));
    ConfigChecks.check(config("users: [{name: alice}]"));
  }

  @Test
  void missingRootNamesTheKeyItCameFrom() throws Exception {
    Files.createDirectories(dir.resolve("host"));
    assertEquals(
        file
            + ":4: defaults.root: root "
            + dir.resolve("data/bob")
            + " does not exist or is not a directory (user bob)",
        error(config("users: [{name: bob}]")));
    assertEquals(
        file
            + ":8: users[0].root: root "
            + dir.resolve("nowhere")
            + " does not exist or is not a directory (user alice)",
        error(config("users:\n  - name: alice\n    root: nowhere\n")));
  }

  @Test
  void authorizedKeysMissingOrWritableByOthers() throws Exception {
    Files.createDirectories(dir.resolve("host"));
    Files.createDirectories(dir.resolve("data/carol"));
    assertEquals(
        file
            + ":5: defaults.authorized-keys: authorized-keys file "
            + dir.resolve("keys_carol")
            + " does not exist (user carol)",
        error(config("users: [{name: carol}]")));
    Files.setPosixFilePermissions(
        dir.resolve("keys_alice"), PosixFilePermissions.fromString("rw-rw-r--"));
    assertEquals(
        file
            + ":5: defaults.authorized-keys: authorized-keys file "
            + dir.resolve("keys_alice")
            + " has mode 0664: writable by group or others (user alice); run chmod go-w "
            + dir.resolve("keys_alice"),
        error(config("users: [{name: alice}]")));
  }

  @Test
  void hostKeyDirectoryMissingOrNotWritable() throws Exception {
    assertEquals(
        file
            + ":2: host-key: directory "
            + dir.resolve("host")
            + " does not exist; create it (the key is created on first start)",
        error(config("users: [{name: alice}]")));
    ServerConfig c =
        ConfigLoader.parse(
            file,
            "host-key: /proc/1/replica_host_key\nusers: [{name: alice, root: data/alice, authorized-keys: keys_alice}]\n");
    assertEquals(
        file
            + ":1: host-key: /proc/1/replica_host_key does not exist and directory /proc/1 is not writable, so it cannot be created;"
            + " create the key or make the directory writable",
        error(c));
  }

  @Test
  void anExistingHostKeyMustBePrivate() throws Exception {
    Files.createDirectories(dir.resolve("host"));
    Path key = Files.writeString(dir.resolve("host/key"), "x");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    assertEquals(
        file
            + ":2: host-key: "
            + key
            + " has mode 0644: a private key must not be accessible by group or others; run chmod 600 "
            + key,
        error(config("users: [{name: alice}]")));
  }

  @Test
  void writableMustBeADirectory() throws Exception {
    Files.createDirectories(dir.resolve("host"));
    Files.writeString(dir.resolve("data/alice/file"), "x");
    assertEquals(
        file
            + ":8: users[0].writable: "
            + dir.resolve("data/alice/file")
            + " exists and is not a directory (user alice)",
        error(config("users:\n  - name: alice\n    writable: [file]\n")));
  }

  @Test
  void unresolvableListenHost() throws Exception {
    Files.createDirectories(dir.resolve("host"));
    ServerConfig c =
        ConfigLoader.parse(
            file,
            "listen: no-such-host.invalid:22\nhost-key: host/key\n"
                + "users: [{name: alice, root: data/alice, authorized-keys: keys_alice}]\n");
    assertEquals(
        file + ":1: listen: bad listen address: host 'no-such-host.invalid' does not resolve",
        error(c));
  }

  @Test
  void modeFormatsLikeChmod() {
    assertEquals("0640", ConfigChecks.mode(PosixFilePermissions.fromString("rw-r-----")));
  }
}
