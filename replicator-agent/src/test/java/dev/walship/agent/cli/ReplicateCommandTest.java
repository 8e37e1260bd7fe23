package dev.walship.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.OpenSshServer;
import dev.walship.testing.SshKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replicator replicate}'s arguments and start-up refusals, in-process. (Running, signals,
 * {@code -exec} and crashes are in {@code dev.walship.agent.replicate}'s process tests.)
 */
class ReplicateCommandTest {
  @TempDir Path dir;

  @Test
  void aDatabaseWithoutReplicaUrlsIsRefused() {
    CliRun r = CliRun.run(dir, Map.of(), "replicate", "/var/lib/app.db");
    assertEquals(1, r.exit());
    assertEquals("error: must specify at least one replica URL for /var/lib/app.db\n", r.err());
  }

  @Test
  void urlsExcludeTheConfigFlag() {
    CliRun r =
        CliRun.run(
            dir, Map.of(), "replicate", "-config", "x.yml", "/var/lib/app.db", "file:///tmp/r");
    assertEquals(1, r.exit());
    assertEquals("error: cannot specify a replica URL and the -config flag\n", r.err());
  }

  @Test
  void theConfigIsLookedUpInTheEnvironmentThenEtc() {
    CliRun r = CliRun.run(dir, Map.of(), "replicate");
    assertEquals(1, r.exit());
    assertTrue(r.err().startsWith("error: config file not found: /etc/replicator.yml"), r.err());
    CliRun env =
        CliRun.run(
            dir, Map.of("REPLICATOR_CONFIG", dir.resolve("nope.yml").toString()), "replicate");
    assertEquals(1, env.exit());
    assertTrue(env.err().contains(dir.resolve("nope.yml").toString()), env.err());
  }

  @Test
  void aConfigWithoutDatabasesIsRefused() throws Exception {
    Path cfg = dir.resolve("r.yml");
    Files.writeString(cfg, "addr: 127.0.0.1:0\n");
    CliRun r = CliRun.run(dir, Map.of(), "replicate", "-config", cfg.toString());
    assertEquals(1, r.exit());
    assertEquals(
        "error: no databases specified in the configuration: nothing to replicate\n", r.err());
  }

  @Test
  void anExecCommandAShellWouldBeNeededForIsRefused() {
    CliRun r =
        CliRun.run(
            dir,
            Map.of(),
            "replicate",
            "-exec",
            "app | tee log",
            dir.resolve("a.db").toString(),
            "file://" + dir.resolve("r"));
    assertEquals(1, r.exit());
    assertTrue(r.err().startsWith("error: -exec \"app | tee log\": unquoted '|'"), r.err());
  }

  @Test
  void anUnknownOrChangedServerKeyIsRefusedWithItsFingerprint() throws Exception {
    SshKeys.KeyPair client = SshKeys.generate(dir, "agent", "ed25519");
    SshKeys.KeyPair other = SshKeys.generate(dir, "other", "ed25519");
    try (OpenSshServer sshd =
        OpenSshServer.builder(Files.createDirectories(dir.resolve("sshd")))
            .authorizedKey(client.publicLine())
            .chrootSftp()
            .start()) {
      String url =
          "sftp://" + OpenSshServer.USER + "@" + OpenSshServer.HOST + ":" + sshd.port() + "/db";
      String db = dir.resolve("a.db").toString();

      Path emptyKnownHosts = Files.writeString(dir.resolve("known_hosts_empty"), "");
      CliRun unknown =
          CliRun.run(
              dir,
              Map.of(),
              "replicate",
              "-key-path",
              client.privateKey().toString(),
              "-known-hosts",
              emptyKnownHosts.toString(),
              db,
              url);
      assertEquals(1, unknown.exit(), unknown.err());
      assertTrue(unknown.err().contains("host key not trusted"), unknown.err());
      assertTrue(unknown.err().contains(sshd.hostKeyFingerprint()), unknown.err());
      assertEquals(1, unknown.err().lines().count(), "one line, no stack trace: " + unknown.err());

      Path changed =
          Files.writeString(
              dir.resolve("known_hosts_changed"),
              "[" + OpenSshServer.HOST + "]:" + sshd.port() + " " + other.publicLine() + "\n");
      CliRun c =
          CliRun.run(
              dir,
              Map.of(),
              "replicate",
              "-key-path",
              client.privateKey().toString(),
              "-known-hosts",
              changed.toString(),
              db,
              url);
      assertEquals(1, c.exit(), c.err());
      assertTrue(c.err().contains("host key CHANGED"), c.err());
      assertTrue(c.err().contains(sshd.hostKeyFingerprint()), c.err());

      CliRun pinned =
          CliRun.run(
              dir,
              Map.of(),
              "replicate",
              "-key-path",
              client.privateKey().toString(),
              "-host-key",
              other.fingerprint(),
              db,
              url);
      assertEquals(1, pinned.exit(), pinned.err());
      assertTrue(pinned.err().contains(sshd.hostKeyFingerprint()), pinned.err());
      assertTrue(Files.notExists(dir.resolve("a.db")), "nothing was started");
    }
  }
}
