package dev.walship.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckConfigCommandTest {
  @TempDir Path dir;

  @Test
  void printsTheEffectiveSettings() {
    ConfigFiles c = ConfigFiles.make(dir, "127.0.0.1:2222", "");
    CliRun r = CliRun.run("check-config", "-config", c.config().toString());
    assertEquals(0, r.exit(), r.toString());
    assertEquals(
        """
        # effective configuration of %1$s/replica-server.yml: OK
        listen: 127.0.0.1:2222
        host-key: %1$s/state/ssh_host_ed25519_key   # created on first start
        limits:
          connections-per-user: 500
          channels-per-connection: 10
          open-handles: 4096
          open-handles-per-user: 16384
          idle-timeout: 10m
          login-grace: 30s
          unauthenticated-per-source: 256
          unauthenticated: 1024
          shutdown-grace: 5s
        users:
          - name: replicator
            root: %1$s/data/replicator
            authorized-keys: %1$s/authorized_keys_replicator   # 1 usable key(s)
            writable: [db]
            immutable-for: 86400s
            quota: none
        """
            .formatted(dir),
        r.out());
    assertEquals("", r.err());
    assertTrue(Files.notExists(c.hostKey()), "check-config changes nothing");
  }

  @Test
  void aBadConfigurationIsOneLineAndExit1() throws Exception {
    ConfigFiles c = ConfigFiles.make(dir, "127.0.0.1:2222", "  - name: bob\n    shell: /bin/sh\n");
    CliRun r = CliRun.run("check-config", "-config", c.config().toString());
    assertEquals(1, r.exit());
    assertEquals(
        "replica-server: "
            + c.config()
            + ":10: users[1].shell: unknown key; a user takes name, root, authorized-keys, writable, immutable-for, quota\n",
        r.err());
    Files.writeString(
        c.config(),
        Files.readString(c.config())
            .replace("  - name: bob\n    shell: /bin/sh\n", "  - name: bob\n"));
    r = CliRun.run("check-config", "-config", c.config().toString());
    assertEquals(
        "replica-server: "
            + c.config()
            + ":4: defaults.root: root "
            + dir.resolve("data/bob")
            + " does not exist or is not a directory (user bob)\n",
        r.err());
  }

  @Test
  void theFileComesFromTheOptionThenTheEnvironmentThenTheDefault() {
    ConfigFiles c = ConfigFiles.make(dir, "127.0.0.1:2222", "");
    assertEquals(
        0,
        CliRun.run(Map.of("REPLICA_SERVER_CONFIG", c.config().toString()), "check-config").exit());
    CliRun missing =
        CliRun.run(
            Map.of("REPLICA_SERVER_CONFIG", dir.resolve("nope.yml").toString()), "check-config");
    assertEquals(
        "replica-server: "
            + dir.resolve("nope.yml")
            + ": no such configuration file (give -config FILE or set REPLICA_SERVER_CONFIG)\n",
        missing.err());
    assertEquals(
        Path.of("/etc/replica-server.yml"),
        new CliContext(Map.of(), System.out, System.err).configFile(null));
  }

  @Test
  void usageErrorsExit2() {
    CliRun r = CliRun.run("check-config", "--bogus");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("Unknown option: '--bogus'"), r.err());
    CliRun top = CliRun.run();
    assertEquals(0, top.exit());
    assertTrue(
        top.out().contains("serve")
            && top.out().contains("fingerprint")
            && top.out().contains("check-config"),
        top.out());
  }
}
