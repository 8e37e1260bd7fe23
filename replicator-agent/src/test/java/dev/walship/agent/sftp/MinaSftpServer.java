package dev.walship.agent.sftp;

import dev.walship.format.store.PublishOnClose;
import dev.walship.format.store.PutFile;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.CopyOption;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.Handle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystem;
import org.apache.sshd.sftp.server.SftpSubsystemConfigurator;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * A second real SFTP server for what OpenSSH's sshd cannot show: Apache MINA's own SFTP subsystem
 * on 127.0.0.1, port 0, rooted in a directory, logging in one user by password, and optionally
 * advertising none of the OpenSSH extensions (no {@code fsync@openssh.com}, no {@code
 * posix-rename@openssh.com}), like a minimal SFTP server. It records the requests it handles, can
 * refuse one kind of request, and can hold the first WRITE of a channel until a CLOSE has arrived
 * behind it (what a client that sends a file's requests without waiting for replies does).
 */
final class MinaSftpServer implements AutoCloseable {
  static final String USER = "walship";
  static final String PASSWORD = "correct horse";

  private final SshServer sshd;
  private final String hostKeyLine;
  private final List<String> events;
  private final Requests requests;

  private MinaSftpServer(
      SshServer sshd, String hostKeyLine, List<String> events, Requests requests) {
    this.sshd = sshd;
    this.hostKeyLine = hostKeyLine;
    this.events = events;
    this.requests = requests;
  }

  static MinaSftpServer start(Path dir, Path root, boolean openSshExtensions) {
    return start(dir, root, openSshExtensions ? "" : "limits@openssh.com=1");
  }

  /**
   * A server that announces what replica-server announces about uploads ({@link PublishOnClose})
   * without doing it: it shows which requests a client sends to such a server.
   */
  static MinaSftpServer announcingPublishOnClose(Path dir, Path root) {
    return start(
        dir,
        root,
        "posix-rename@openssh.com=1,fsync@openssh.com=1,limits@openssh.com=1,"
            + PublishOnClose.NAME
            + "=1");
  }

  /**
   * A server that announces {@link PutFile} as replica-server does, without doing it (MINA answers
   * it as unsupported): it shows which requests a client sends to such a server.
   */
  static MinaSftpServer announcingPutFile(Path dir, Path root) {
    return start(
        dir,
        root,
        "posix-rename@openssh.com=1,fsync@openssh.com=1,limits@openssh.com=1,"
            + PublishOnClose.NAME
            + "=1,"
            + PutFile.NAME
            + "=1");
  }

  /** {@code extensions}: MINA's OpenSSH extension list ("name=version,..."), "" for its default. */
  private static MinaSftpServer start(Path dir, Path root, String extensions) {
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
    Requests requests = new Requests();
    SftpSubsystemFactory sftp =
        new SftpSubsystemFactory() {
          @Override
          public Command createSubsystem(ChannelSession channel) {
            ProbingSubsystem subsystem = new ProbingSubsystem(channel, this, requests);
            getRegisteredListeners().forEach(subsystem::addSftpEventListener);
            return subsystem;
          }
        };
    List<String> events = new CopyOnWriteArrayList<>();
    sftp.addSftpEventListener(new Recorder(events));
    sshd.setSubsystemFactories(List.of(sftp));
    if (!extensions.isEmpty()) {
      SftpModuleProperties.OPENSSH_EXTENSIONS.set(sshd, extensions);
    }
    try {
      sshd.start();
      KeyPair host = keys.loadKeys(null).iterator().next();
      return new MinaSftpServer(sshd, PublicKeyEntry.toString(host.getPublic()), events, requests);
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
    requests.handled.clear();
  }

  /**
   * The requests handled, in order, by name ({@code OPEN}, {@code WRITE}, {@code FSTAT}, …; an
   * extension as {@code EXTENDED <name>}).
   */
  List<String> requests() {
    return List.copyOf(requests.handled);
  }

  /**
   * From now on the server answers every request named {@code name} (as {@link #requests()} names
   * it) with SSH_FX_FAILURE, without doing it.
   */
  void refuse(String name) {
    requests.refused = name;
  }

  /**
   * From now on the first WRITE of each channel waits (up to 10 s) until a CLOSE has arrived behind
   * it; {@link #queuedAtFirstWrite()} then tells what had arrived.
   */
  void holdFirstWriteUntilClose() {
    requests.hold = true;
  }

  /** The requests that had arrived behind the first WRITE when it was let through. */
  List<String> queuedAtFirstWrite() {
    return List.copyOf(requests.queuedAtFirstWrite);
  }

  /**
   * From now on the server answers every request named {@code name} with SSH_FX_OK, without doing
   * it (a server that loses writes).
   */
  void ignore(String name) {
    requests.ignored = name;
  }

  /** What {@link ProbingSubsystem} was told to do and what it saw. */
  private static final class Requests {
    final List<String> handled = new CopyOnWriteArrayList<>();
    final List<String> queuedAtFirstWrite = new CopyOnWriteArrayList<>();
    volatile String refused;
    volatile String ignored;
    volatile boolean hold;
  }

  /** MINA's subsystem, recording each request, refusing or holding some as told. */
  private static final class ProbingSubsystem extends SftpSubsystem {
    private final Requests probe;
    private boolean wrote;

    ProbingSubsystem(ChannelSession channel, SftpSubsystemConfigurator config, Requests probe) {
      super(channel, config);
      this.probe = probe;
    }

    @Override
    protected void doProcess(Buffer buffer, int length, int type, int id) throws IOException {
      String name = name(type, buffer, buffer.rpos());
      probe.handled.add(name);
      if (type == SftpConstants.SSH_FXP_WRITE && !wrote) {
        wrote = true;
        if (probe.hold) {
          holdUntilClose();
        }
      }
      if (name.equals(probe.refused)) {
        sendStatus(prepareReply(buffer), id, SftpConstants.SSH_FX_FAILURE, "refused by the test");
        return;
      }
      if (name.equals(probe.ignored)) {
        sendStatus(prepareReply(buffer), id, SftpConstants.SSH_FX_OK, "");
        return;
      }
      super.doProcess(buffer, length, type, id);
    }

    private void holdUntilClose() throws InterruptedIOException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (queued().stream().noneMatch(n -> n.equals("CLOSE")) && System.nanoTime() < deadline) {
        try {
          Thread.sleep(1); // polls the queue MINA's reader fills; the condition ends the wait
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException();
        }
      }
      probe.queuedAtFirstWrite.addAll(queued());
    }

    /** The requests that arrived and wait behind the one being handled. */
    private List<String> queued() {
      List<String> names = new ArrayList<>();
      for (Buffer b : requests) {
        int type = b.array()[b.rpos() + 4] & 0xFF;
        names.add(name(type, b, b.rpos() + 9));
      }
      return names;
    }

    /** {@code WRITE}, or {@code EXTENDED <name>} for an extension; {@code at}: the payload. */
    private static String name(int type, Buffer b, int at) {
      String name = SftpConstants.getCommandMessageName(type).replace("SSH_FXP_", "");
      if (type != SftpConstants.SSH_FXP_EXTENDED) {
        return name;
      }
      int rpos = b.rpos();
      b.rpos(at);
      String extension = b.getString();
      b.rpos(rpos);
      return name + " " + extension;
    }
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
    public void reading(
        ServerSession session,
        String remoteHandle,
        FileHandle localHandle,
        long offset,
        byte[] data,
        int dataOffset,
        int dataLen) {
      events.add("read " + rel(localHandle.getFile()) + " " + dataLen);
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
