package dev.walship.agent.replicate;

import dev.walship.agent.sftp.SftpOptions;
import dev.walship.agent.sftp.SftpReplicaStore;
import dev.walship.agent.sftp.SftpTarget;
import dev.walship.server.ReplicaServer;
import dev.walship.server.config.ServerConfig;
import dev.walship.testing.SshKeys;
import dev.walship.testing.TcpProxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * replica-server in the test's JVM on 127.0.0.1 and a free port, with user {@code replicator}
 * (writable directory {@code db}) and a fresh client key; SFTP stores, URLs and configs for it.
 */
final class TestServer implements AutoCloseable {
  static final String USER = "replicator";

  final ReplicaServer server;
  final SshKeys.KeyPair key;
  final Path root;

  private TestServer(ReplicaServer server, SshKeys.KeyPair key, Path root) {
    this.server = server;
    this.key = key;
    this.root = root;
  }

  static TestServer start(Path dir) throws Exception {
    Path keys = Files.createDirectories(dir.resolve("server-keys"));
    SshKeys.KeyPair key = SshKeys.generate(keys, "agent", "ed25519");
    Path auth = Files.writeString(keys.resolve("authorized_keys"), key.publicLine() + "\n");
    Path root = Files.createDirectories(dir.resolve("alpha").resolve(USER));
    ReplicaServer s =
        ReplicaServer.start(
            ServerConfig.builder()
                .listen("127.0.0.1", 0)
                .hostKey(keys.resolve("host_key"))
                .user(USER, root, auth, List.of("db"))
                .build());
    return new TestServer(s, key, root);
  }

  int port() {
    return server.port();
  }

  /** Where replica {@code name} ({@code /db/name} on the server) lies on this machine's disk. */
  Path replicaDir(String name) {
    return root.resolve("db").resolve(name);
  }

  SftpTarget target(String name) {
    return new SftpTarget(
        "127.0.0.1",
        port(),
        USER,
        null,
        "/db/" + name,
        key.privateKey(),
        null,
        server.hostKeyFingerprint(),
        null);
  }

  SftpReplicaStore store(String name) throws IOException {
    return SftpReplicaStore.open(target(name));
  }

  /**
   * A store of replica {@code name} reached through {@code proxy} (which a test cuts or refuses),
   * reconnecting once after 50 ms and timing out within seconds, so that a down replica shows fast.
   */
  SftpReplicaStore storeThrough(TcpProxy proxy, String name) throws IOException {
    SftpTarget t = target(name);
    return SftpReplicaStore.open(
        new SftpTarget(
            t.host(), proxy.port(), t.user(), null, t.path(), t.keyPath(), null, t.hostKey(), null),
        SftpOptions.defaults()
            .withReconnect(1, Duration.ofMillis(50), Duration.ofMillis(50))
            .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5)));
  }

  /** The replica's lines for a walship config file (indented for a {@code replicas:} list). */
  String walshipReplicaYaml(String name) {
    return """
              - url: sftp://%s@127.0.0.1:%d/db/%s
                key-path: %s
                host-key: %s
        """
        .formatted(USER, port(), name, key.privateKey(), server.hostKeyFingerprint());
  }

  /**
   * A Litestream v0.3.13 config whose one database {@code db} has this server's replica {@code
   * name}.
   */
  String litestreamConfig(Path db, String name) {
    return """
        dbs:
          - path: %s
            replicas:
              - type: sftp
                host: 127.0.0.1:%d
                user: %s
                key-path: %s
                path: /db/%s
        """
        .formatted(db, port(), USER, key.privateKey(), name);
  }

  @Override
  public void close() throws IOException {
    server.shutdown(Duration.ofSeconds(2));
  }
}
