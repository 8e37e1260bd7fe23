package dev.walship.agent.sftp;

import dev.walship.testing.OpenSshServer;
import dev.walship.testing.SshKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A private OpenSSH sshd that lets a fresh client key log in as root, and the targets and options
 * the tests of this package connect with. Options point {@code user.home} at the test's directory,
 * so nothing of the machine's own {@code ~/.ssh} is ever used, and record reconnect waits instead
 * of sleeping them.
 */
final class SftpFixture implements AutoCloseable {
  final Path dir;
  final SshKeys.KeyPair clientKey;
  final OpenSshServer server;
  final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  private SftpFixture(Path dir, SshKeys.KeyPair clientKey, OpenSshServer server) {
    this.dir = dir;
    this.clientKey = clientKey;
    this.server = server;
  }

  static SftpFixture start(Path dir) {
    return start(dir, b -> {});
  }

  static SftpFixture start(Path dir, Consumer<OpenSshServer.Builder> customize) {
    try {
      Path keys = Files.createDirectories(dir.resolve("client"));
      Path serverDir = Files.createDirectories(dir.resolve("sshd"));
      Files.createDirectories(dir.resolve("home"));
      SshKeys.KeyPair key = SshKeys.generate(keys, "id_ed25519", "ed25519");
      OpenSshServer.Builder b = OpenSshServer.builder(serverDir).authorizedKey(key.publicLine());
      customize.accept(b);
      return new SftpFixture(dir, key, b.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** root@127.0.0.1:sshd-port, the client key, the host key pinned by fingerprint. */
  SftpTarget target(String path) {
    return target(path, server.port());
  }

  /** The same through another port (a {@link dev.walship.testing.TcpProxy}). */
  SftpTarget target(String path, int port) {
    return new SftpTarget(
        OpenSshServer.HOST,
        port,
        OpenSshServer.USER,
        null,
        path,
        clientKey.privateKey(),
        null,
        server.hostKeyFingerprint(),
        null);
  }

  /** Defaults, but home is the test's directory, and waits are recorded (and shortened to 1 ms). */
  SftpOptions options() {
    return SftpOptions.defaults()
        .withUserHome(dir.resolve("home"))
        .withClock(
            SftpOptions.defaults().random(),
            d -> {
              sleeps.add(d);
              Thread.sleep(1);
            });
  }

  SftpReplicaStore store(String path) throws IOException {
    return SftpReplicaStore.open(target(path), options());
  }

  @Override
  public void close() {
    server.close();
  }
}
