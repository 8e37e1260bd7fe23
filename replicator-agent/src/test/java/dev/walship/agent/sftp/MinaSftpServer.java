package dev.walship.agent.sftp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.CopyOption;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.server.Handle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * A second real SFTP server for what OpenSSH's sshd cannot show: Apache MINA's own SFTP subsystem
 * on 127.0.0.1, port 0, rooted in a directory, logging in one user by password, and optionally
 * advertising none of the OpenSSH extensions (no {@code fsync@openssh.com}, no {@code
 * posix-rename@openssh.com}), like a minimal SFTP server.
 */
final class MinaSftpServer implements AutoCloseable {
  static final String USER = "walship";
  static final String PASSWORD = "correct horse";

  private final SshServer sshd;
  private final String hostKeyLine;
  private final List<String> events;

  private MinaSftpServer(SshServer sshd, String hostKeyLine, List<String> events) {
    this.sshd = sshd;
    this.hostKeyLine = hostKeyLine;
    this.events = events;
  }

  static MinaSftpServer start(Path dir, Path root, boolean openSshExtensions) {
    SshServer sshd = SshServer.setUpDefaultServer();
    sshd.setHost("127.0.0.1");
    sshd.setPort(0);
    SimpleGeneratorHostKeyProvider keys =
        new SimpleGeneratorHostKeyProvider(dir.resolve("mina-host-key"));
    sshd.setKeyPairProvider(keys);
    sshd.setPasswordAuthenticator(
        (user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
    sshd.setPublickeyAuthenticator(null);
    sshd.setKeyboardInteractiveAuthenticator(null);
    sshd.setFileSystemFactory(new VirtualFileSystemFactory(root));
    SftpSubsystemFactory sftp = new SftpSubsystemFactory();
    List<String> events = new CopyOnWriteArrayList<>();
    sftp.addSftpEventListener(new Recorder(events));
    sshd.setSubsystemFactories(List.of(sftp));
    if (!openSshExtensions) {
      SftpModuleProperties.OPENSSH_EXTENSIONS.set(sshd, "limits@openssh.com=1"); // "" means default
    }
    try {
      sshd.start();
      KeyPair host = keys.loadKeys(null).iterator().next();
      return new MinaSftpServer(sshd, PublicKeyEntry.toString(host.getPublic()), events);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the MINA test server", e);
    }
  }

  /**
   * What the server did, in order: {@code open <path>}, {@code extension <name>}, {@code setstat
   * <path> <attributes>}, {@code move <from> <to> <options>}, {@code remove <path>}; paths as the
   * client sees them (the root is {@code /}).
   */
  List<String> events() {
    return List.copyOf(events);
  }

  void clearEvents() {
    events.clear();
  }

  /** Records the file operations the SFTP subsystem performs. */
  private static final class Recorder implements SftpEventListener {
    private final List<String> events;

    Recorder(List<String> events) {
      this.events = events;
    }

    private static String rel(Path p) {
      return p.toString(); // the server's virtual file system shows the root as /
    }

    @Override
    public void open(ServerSession session, String remoteHandle, Handle handle) {
      events.add("open " + rel(handle.getFile()));
    }

    @Override
    public void receivedExtension(ServerSession session, String extension, int id) {
      events.add("extension " + extension);
    }

    @Override
    public void modifyingAttributes(ServerSession session, Path path, Map<String, ?> attrs) {
      events.add("setstat " + rel(path) + " " + new TreeMap<>(attrs).keySet());
    }

    @Override
    public void moving(ServerSession session, Path src, Path dst, Collection<CopyOption> opts) {
      events.add("move " + rel(src) + " " + rel(dst) + " " + opts);
    }

    @Override
    public void removing(ServerSession session, Path path, boolean isDirectory) {
      events.add("remove " + rel(path));
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
