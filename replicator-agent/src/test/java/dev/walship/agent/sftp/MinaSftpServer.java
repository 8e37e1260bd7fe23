package dev.walship.agent.sftp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * A second real SFTP server for what OpenSSH's sshd cannot show: Apache MINA's own SFTP
 * subsystem on 127.0.0.1, port 0, rooted in a directory, logging in one user by password, and
 * optionally advertising none of the OpenSSH extensions (no {@code fsync@openssh.com}, no
 * {@code posix-rename@openssh.com}), like a minimal SFTP server.
 */
final class MinaSftpServer implements AutoCloseable {
  static final String USER = "walship";
  static final String PASSWORD = "correct horse";

  private final SshServer sshd;
  private final String hostKeyLine;

  private MinaSftpServer(SshServer sshd, String hostKeyLine) {
    this.sshd = sshd;
    this.hostKeyLine = hostKeyLine;
  }

  static MinaSftpServer start(Path dir, Path root, boolean openSshExtensions) {
    SshServer sshd = SshServer.setUpDefaultServer();
    sshd.setHost("127.0.0.1");
    sshd.setPort(0);
    SimpleGeneratorHostKeyProvider keys = new SimpleGeneratorHostKeyProvider(dir.resolve("mina-host-key"));
    sshd.setKeyPairProvider(keys);
    sshd.setPasswordAuthenticator((user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
    sshd.setPublickeyAuthenticator(null);
    sshd.setKeyboardInteractiveAuthenticator(null);
    sshd.setFileSystemFactory(new VirtualFileSystemFactory(root));
    sshd.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
    if (!openSshExtensions) {
      SftpModuleProperties.OPENSSH_EXTENSIONS.set(sshd, "");
    }
    try {
      sshd.start();
      KeyPair host = keys.loadKeys(null).iterator().next();
      return new MinaSftpServer(sshd, PublicKeyEntry.toString(host.getPublic()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the MINA test server", e);
    }
  }

  int port() {
    return sshd.getPort();
  }

  /** The host key as an OpenSSH public key line. */
  String hostKeyLine() {
    return hostKeyLine;
  }

  /** A target logging in by password, host key pinned; {@code path} is inside the root. */
  SftpTarget target(String path, String password) {
    return new SftpTarget("127.0.0.1", port(), USER, password, path, null, null, hostKeyLine, null);
  }

  @Override
  public void close() {
    try {
      sshd.stop(true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
