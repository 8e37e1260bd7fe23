package dev.walship.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.restore.LitestreamHistory;
import dev.walship.agent.restore.SyntheticReplica;
import dev.walship.server.ReplicaServer;
import dev.walship.server.config.ServerConfig;
import dev.walship.testing.Sqlite;
import dev.walship.testing.SshKeys;
import dev.walship.testing.TcpProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replicator restore} of a Litestream-written replica through replica-server over SFTP, and
 * the security rules on the way: unknown and changed host keys refused with the fingerprint;
 * encrypted keys with right, wrong and no passphrase.
 */
class SftpRestoreTest {
  static final LitestreamHistory H = LitestreamHistory.get();
  @TempDir static Path tmp;
  static ReplicaServer server;
  static SshKeys.KeyPair key;
  static SshKeys.KeyPair encrypted;
  static String url;

  @BeforeAll
  static void serve() throws Exception {
    Path keys = Files.createDirectories(tmp.resolve("keys"));
    key = SshKeys.generate(keys, "plain", "ed25519");
    encrypted = SshKeys.generate(keys, "locked", "ed25519", "s3cret passphrase");
    Path auth = keys.resolve("authorized_keys");
    Files.writeString(auth, key.publicLine() + "\n" + encrypted.publicLine() + "\n");
    Path root = tmp.resolve("alpha/replicator");
    H.copyReplica(Files.createDirectories(root.resolve("db/app")));
    server =
        ReplicaServer.start(
            ServerConfig.builder()
                .listen("127.0.0.1", 0)
                .hostKey(keys.resolve("host_key"))
                .user("replicator", root, auth, List.of("db"))
                .build());
    url = "sftp://replicator@127.0.0.1:" + server.port() + "/db/app";
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.shutdown(Duration.ofSeconds(2));
    }
  }

  private CliRun run(Map<String, String> env, String... args) {
    return CliRun.run(tmp, env, args);
  }

  private Path out(String name) {
    return tmp.resolve(name + "-" + System.nanoTime() + ".db");
  }

  @Test
  void restoresLatestAndEachRecordedMomentOverSftp() {
    Path latest = out("latest");
    CliRun r =
        run(
            Map.of(),
            "restore",
            "-host-key",
            server.hostKeyFingerprint(),
            "-key-path",
            key.privateKey().toString(),
            "-o",
            latest.toString(),
            url);
    assertEquals(0, r.exit(), r.err());
    assertEquals(H.latestDump, Sqlite.dump(latest));
    for (Map.Entry<Instant, String> e : H.dumps.entrySet()) {
      Path o = out("pit");
      CliRun p =
          run(
              Map.of(),
              "restore",
              "-host-key",
              server.hostKeyLine(),
              "-key-path",
              key.privateKey().toString(),
              "-timestamp",
              e.getKey().toString(),
              "-o",
              o.toString(),
              url);
      assertEquals(0, p.exit(), p.err());
      assertEquals(e.getValue(), Sqlite.dump(o), "as of " + e.getKey());
    }
  }

  @Test
  void restoresByDatabasePathWithTheConfigsSftpKeys() throws Exception {
    Path cfg = tmp.resolve("replicator.yml");
    Path db = tmp.resolve("app.db");
    Files.writeString(
        cfg,
        """
        dbs:
          - path: %s
            replicas:
              - url: %s
                key-path: %s
                key-passphrase: s3cret passphrase
                host-key: %s
        """
            .formatted(db, url, encrypted.privateKey(), server.hostKeyFingerprint()));
    CliRun r = run(Map.of(), "restore", "-config", cfg.toString(), db.toString());
    assertEquals(0, r.exit(), r.err());
    assertEquals(H.latestDump, Sqlite.dump(db));
  }

  @Test
  void anUnknownHostKeyIsRefusedWithItsFingerprint() throws Exception {
    Path empty = Files.writeString(tmp.resolve("empty_known_hosts"), "");
    Path o = out("unknown");
    CliRun r =
        run(
            Map.of(),
            "restore",
            "-known-hosts",
            empty.toString(),
            "-key-path",
            key.privateKey().toString(),
            "-o",
            o.toString(),
            url);
    assertEquals(1, r.exit());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains("host key not trusted"), r.err());
    assertTrue(r.err().contains("host-key: " + server.hostKeyFingerprint()), r.err());
    assertFalse(Files.exists(o));
  }

  @Test
  void aChangedHostKeyIsRefusedWithBothFingerprints() throws Exception {
    SshKeys.KeyPair other = SshKeys.generate(tmp, "impostor" + System.nanoTime(), "ed25519");
    Path knownHosts =
        Files.writeString(
            tmp.resolve("known_hosts_changed"),
            "[127.0.0.1]:" + server.port() + " " + other.publicLine() + "\n");
    Path o = out("changed");
    CliRun r =
        run(
            Map.of(),
            "restore",
            "-known-hosts",
            knownHosts.toString(),
            "-key-path",
            key.privateKey().toString(),
            "-o",
            o.toString(),
            url);
    assertEquals(1, r.exit());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains("host key CHANGED"), r.err());
    assertTrue(r.err().contains(server.hostKeyFingerprint()), r.err());
    assertTrue(r.err().contains(other.fingerprint()), r.err());
    CliRun pinned =
        run(
            Map.of(),
            "restore",
            "-host-key",
            other.fingerprint(),
            "-key-path",
            key.privateKey().toString(),
            "-o",
            o.toString(),
            url);
    assertEquals(1, pinned.exit());
    assertTrue(
        pinned.err().contains(server.hostKeyFingerprint())
            && pinned.err().contains(other.fingerprint()),
        pinned.err());
    assertFalse(Files.exists(o));
  }

  @Test
  void anEncryptedKeyNeedsItsRightPassphrase() {
    String[] args = {
      "restore",
      "-host-key",
      server.hostKeyFingerprint(),
      "-key-path",
      encrypted.privateKey().toString(),
      "-o"
    };
    Path right = out("right");
    CliRun ok =
        run(
            Map.of("REPLICATOR_KEY_PASSPHRASE", "s3cret passphrase"),
            concat(args, right.toString(), url));
    assertEquals(0, ok.exit(), ok.err());
    assertEquals(H.latestDump, Sqlite.dump(right));
    CliRun wrong =
        run(
            Map.of("REPLICATOR_KEY_PASSPHRASE", "guess"),
            concat(args, out("wrong").toString(), url));
    assertEquals(1, wrong.exit());
    assertTrue(
        wrong.err().contains("key-path " + encrypted.privateKey() + ": wrong key-passphrase"),
        wrong.err());
    CliRun none = run(Map.of(), concat(args, out("none").toString(), url));
    assertEquals(1, none.exit());
    assertTrue(
        none.err()
            .contains(
                "key-path "
                    + encrypted.privateKey()
                    + ": the key is encrypted; set key-passphrase"),
        none.err());
  }

  @Test
  void aRestoreOfAThousandSegmentsSurvivesADroppedConnection() throws Exception {
    SyntheticReplica synthetic =
        SyntheticReplica.write(tmp.resolve("alpha/replicator/db/thousand"), tmp, 1000);
    assertTrue(synthetic.segments >= 1000, "segments: " + synthetic.segments);
    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", server.port())) {
      proxy.cutAfter(60_000); // early in the downloads: the session dies, the restore goes on
      Path o = out("thousand");
      CliRun r =
          run(
              Map.of(),
              "restore",
              "-host-key",
              server.hostKeyFingerprint(),
              "-key-path",
              key.privateKey().toString(),
              "-o",
              o.toString(),
              "sftp://replicator@127.0.0.1:" + proxy.port() + "/db/thousand");
      assertEquals(0, r.exit(), r.err());
      assertEquals(synthetic.dump, Sqlite.dump(o));
      assertTrue(proxy.cuts() >= 1, "the connection was cut");
      assertTrue(proxy.accepted() >= 2, "and the store reconnected");
    }
  }

  @Test
  void largeFilesDownloadingTogetherSurviveADroppedConnection() throws Exception {
    SyntheticReplica synthetic =
        SyntheticReplica.write(tmp.resolve("alpha/replicator/db/large"), tmp, 6, 2 << 20);
    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", server.port())) {
      proxy.cutAfter(5 << 20); // while several 2 MB segments are downloading at once
      Path o = out("large");
      CliRun r =
          run(
              Map.of(),
              "restore",
              "-host-key",
              server.hostKeyFingerprint(),
              "-key-path",
              key.privateKey().toString(),
              "-o",
              o.toString(),
              "sftp://replicator@127.0.0.1:" + proxy.port() + "/db/large");
      assertEquals(0, r.exit(), r.err());
      assertEquals(synthetic.dump, Sqlite.dump(o));
      assertTrue(proxy.cuts() >= 1, "the connection was cut");
      assertTrue(proxy.accepted() >= 2, "and the store reconnected");
    }
  }

  @Test
  void inspectionCommandsWorkOverSftp() {
    CliRun fromFile = run(Map.of(), "snapshots", "file://" + H.replica);
    CliRun overSftp =
        run(
            Map.of(),
            "snapshots",
            "-host-key",
            server.hostKeyFingerprint(),
            "-key-path",
            key.privateKey().toString(),
            url);
    assertEquals(0, overSftp.exit(), overSftp.err());
    // the same rows as the file replica's but the replica's name (SFTP v3 mtimes are whole seconds,
    // and the listing prints whole seconds anyway)
    assertEquals(columns(fromFile.out(), "file"), columns(overSftp.out(), "sftp"));
  }

  private static List<List<String>> columns(String table, String replicaName) {
    return table
        .lines()
        .map(l -> List.of(l.trim().split("\\s+")))
        .map(c -> c.get(0).equals(replicaName) ? c.subList(1, c.size()) : c)
        .toList()
        .subList(1, (int) table.lines().count());
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
