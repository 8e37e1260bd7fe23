package dev.walship.agent.sftp;

import dev.walship.format.layout.Layout;
import dev.walship.format.layout.LayoutFile;
import dev.walship.format.store.ContentWriter;
import dev.walship.format.store.Entry;
import dev.walship.format.store.ReplicaStore;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.common.RuntimeSshException;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.client.SftpClient.DirEntry;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHStatExtensionInfo;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHStatPathExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica on an SFTP server ({@code sftp://user@host:port/path}): one verified SSH connection
 * with one SFTP channel, shared by every operation and thread (and, through {@link
 * SftpConnections}, by every other store to the same destination), reconnected with backoff when it
 * drops.
 *
 * <p>Retry rules: list, open, stat and delete are idempotent and are retried once on a new
 * connection when the connection fails under them; a read resumes at its byte offset; a write
 * redoes the whole upload to the temporary name once, so {@link ContentWriter#writeTo} may be
 * called twice and must write the same bytes each time. Refusals by the server (no such file,
 * permission denied) are never retried. Security (host key, client identity) is decided before
 * anything is sent: see {@link HostKeyPolicy}, {@link ClientIdentity}, {@link SshClientFactory}.
 *
 * <p>SFTP v3 carries mtimes in whole seconds: a written file's mtime is {@code modified} truncated
 * to the second, as with Litestream's own SFTP replicas.
 */
public final class SftpReplicaStore implements ReplicaStore {
  private static final Logger LOG = LoggerFactory.getLogger(SftpReplicaStore.class);

  /** Bytes per SFTP read/write request: what OpenSSH's sftp-server advertises as its limit. */
  static final int BUFFER_SIZE = 261120;

  private final SftpTarget target;
  private final SshConnector connector;
  private final Reconnector connections;
  private final Runnable release;
  private final int lane;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ResumingInputStream.Reconnect reconnect =
      new ResumingInputStream.Reconnect() {
        @Override
        public Connection replace(Connection failed) throws IOException {
          return SftpReplicaStore.this.replace(failed);
        }

        @Override
        public void discard(Connection failed) {
          connections.discard(failed);
        }
      };

  /**
   * @param lane which of the connection's SFTP channels this store's requests use
   */
  SftpReplicaStore(
      SftpTarget target,
      SshConnector connector,
      Reconnector connections,
      int lane,
      Runnable release) {
    this.target = target;
    this.lane = lane;
    this.connector = connector;
    this.connections = connections;
    this.release = release;
  }

  /** A store for {@code target} with the default options. Connects on first use. */
  public static SftpReplicaStore open(SftpTarget target) throws SftpStoreException {
    return open(target, SftpOptions.defaults());
  }

  /**
   * A store for {@code target} with a connection of its own (stores opened through one {@link
   * SftpConnections} share theirs). Reads the key and checks the host-key settings now (failing
   * fast with an operator message); connects on first use, so a server that is down does not stop
   * the agent from starting.
   */
  public static SftpReplicaStore open(SftpTarget target, SftpOptions options)
      throws SftpStoreException {
    return new SftpConnections(options).open(target);
  }

  @Override
  public String location() {
    return target.location();
  }

  /** Connects now (if not connected), so configuration problems show at start-up. */
  @Override
  public void checkAccess() throws IOException {
    current();
  }

  @Override
  public List<Entry> list(String dir) throws IOException {
    String remote = remote(dir);
    return idempotent("list", dir, c -> entries(RemoteFiles.listOrNull(c.sftp(lane), remote)));
  }

  private static List<Entry> entries(List<DirEntry> listed) {
    if (listed == null) {
      return List.of();
    }
    List<Entry> out = new ArrayList<>(listed.size());
    for (DirEntry e : listed) {
      Attributes a = e.getAttributes();
      Instant mtime = a.getModifyTime() == null ? Instant.EPOCH : a.getModifyTime().toInstant();
      out.add(new Entry(e.getFilename(), a.isDirectory(), a.getSize(), mtime));
    }
    return out;
  }

  /**
   * {@code statvfs@openssh.com} on the replica's directory (or, before it exists, the user's home).
   */
  @Override
  public OptionalLong usableSpace() throws IOException {
    return idempotent(
        "statvfs",
        "",
        c -> {
          OpenSSHStatPathExtension statvfs =
              c.sftp(lane).getExtension(OpenSSHStatPathExtension.class);
          if (!statvfs.isSupported()) {
            return OptionalLong.empty();
          }
          OpenSSHStatExtensionInfo info;
          try {
            info = statvfs.stat(remote(""));
          } catch (SftpException e) {
            info = statvfs.stat(".");
          }
          return OptionalLong.of(info.f_bavail * Math.max(1, info.f_frsize));
        });
  }

  @Override
  public InputStream open(String path) throws IOException {
    String remote = remote(path);
    String where = where(path);
    return idempotent("open", path, c -> ResumingInputStream.open(reconnect, c, remote, where));
  }

  @Override
  public Entry write(LayoutFile file, Instant modified, ContentWriter content) throws IOException {
    String where = where(file.path());
    Connection c = current();
    for (int attempt = 1; ; attempt++) {
      AtomicUpload upload =
          new AtomicUpload(c.sftp(lane), remote(Layout.tempPath(file)), remote(file.path()), where);
      try {
        return upload.run(file.fileName(), modified, content);
      } catch (SftpException e) {
        upload.discard();
        throw RemoteFiles.failure(where, "write", e);
      } catch (AtomicUpload.ContentFailure e) {
        upload.discard();
        throw rethrowContentFailure(e);
      } catch (IOException | RuntimeSshException e) {
        if (!RemoteFiles.isConnectionFailure(e)) {
          upload.discard();
          throw e;
        }
        if (attempt > 1) {
          connections.discard(c);
          throw new SftpStoreException(
              where + ": write: connection lost again on retry: " + SshConnector.describe(e),
              false,
              e);
        }
        LOG.info(
            "{}: write: connection lost ({}); reconnecting to upload again",
            where,
            SshConnector.describe(e));
        c = replace(c);
      }
    }
  }

  private static IOException rethrowContentFailure(AtomicUpload.ContentFailure e) {
    Throwable cause = e.getCause();
    if (cause instanceof IOException io) {
      return io;
    }
    if (cause instanceof RuntimeException re) {
      throw re;
    }
    throw new IllegalStateException(cause);
  }

  @Override
  public void delete(String path) throws IOException {
    String remote = remote(path);
    idempotent(
        "delete",
        path,
        c -> {
          SftpClient sftp = c.sftp(lane);
          Attributes a = RemoteFiles.lstatOrNull(sftp, remote);
          if (a == null) {
            return null;
          }
          try {
            if (a.isDirectory()) {
              sftp.rmdir(remote);
            } else {
              sftp.remove(remote);
            }
          } catch (SftpException e) {
            if (RemoteFiles.lstatOrNull(sftp, remote) == null) {
              return null; // gone meanwhile (a retry after a lost reply): fine
            }
            if (a.isDirectory() && e.getStatus() != SftpConstants.SSH_FX_PERMISSION_DENIED) {
              throw new SftpStoreException(
                  where(path)
                      + ": delete: the server did not remove the directory (is it empty?): "
                      + e.getMessage(),
                  false,
                  e);
            }
            throw e;
          }
          return null;
        });
  }

  /** The destination's open connection (connecting first); refused once this store is closed. */
  private Connection current() throws IOException {
    if (closed.get()) {
      throw new SftpStoreException(location() + ": the store is closed", true, null);
    }
    try {
      return connections.current();
    } catch (SftpStoreException e) {
      throw relocated(e);
    }
  }

  /** A working connection in place of {@code failed} (see {@link Reconnector#replace}). */
  private Connection replace(Connection failed) throws IOException {
    try {
      return connections.replace(failed);
    } catch (SftpStoreException e) {
      throw relocated(e);
    }
  }

  /**
   * A failure of the shared connection, which names its destination ({@code
   * sftp://user@host:port}), reworded to name this replica, as every other message of the store
   * does.
   */
  private SftpStoreException relocated(SftpStoreException e) {
    String destination = SftpConnections.destination(target).location() + ": ";
    String m = e.getMessage();
    if (m == null
        || !m.startsWith(destination)
        || location().equals(destination.substring(0, destination.length() - 2))) {
      return e;
    }
    return new SftpStoreException(
        location() + ": " + m.substring(destination.length()), e.permanent(), e);
  }

  /** One SFTP request sequence that may be repeated. */
  @FunctionalInterface
  private interface Call<T> {
    T run(Connection c) throws IOException;
  }

  private <T> T idempotent(String op, String path, Call<T> call) throws IOException {
    Connection c = current();
    for (int attempt = 1; ; attempt++) {
      try {
        return call.run(c);
      } catch (SftpException e) {
        throw RemoteFiles.failure(where(path), op, e);
      } catch (IOException | RuntimeSshException e) {
        if (!RemoteFiles.isConnectionFailure(e)) {
          throw e;
        }
        if (attempt > 1) {
          connections.discard(c);
          throw new SftpStoreException(
              where(path)
                  + ": "
                  + op
                  + ": connection lost again on retry: "
                  + SshConnector.describe(e),
              false,
              e);
        }
        LOG.info(
            "{}: {}: connection lost ({}); reconnecting to retry once",
            where(path),
            op,
            SshConnector.describe(e));
      }
      c = replace(c);
    }
  }

  /** The server path of a layout path: {@code <target path>/<relative>}. */
  String remote(String relative) {
    checkRelative(relative);
    String root = target.path();
    if (relative.isEmpty()) {
      return root.isEmpty() ? "." : root;
    }
    return Layout.resolve(root, relative);
  }

  private String where(String relative) {
    return relative.isEmpty() ? location() : Layout.resolve(location(), relative);
  }

  private static void checkRelative(String path) {
    if (path.startsWith("/") || path.endsWith("/") && !path.isEmpty()) {
      throw new IllegalArgumentException(
          "replica path must be relative, without slashes at its ends: '" + path + "'");
    }
    for (String part : path.split("/", -1)) {
      if (!path.isEmpty() && (part.isEmpty() || part.equals(".") || part.equals(".."))) {
        throw new IllegalArgumentException(
            "replica path must not contain '', '.' or '..': '" + path + "'");
      }
    }
  }

  /** The negotiated client-to-server cipher of the current connection, or null (for tests). */
  String cipher() {
    Connection c = connections.peek();
    return c == null ? null : c.cipher();
  }

  /** The number of the current connection (1 for the first), or 0 (for tests). */
  int connectionNumber() {
    Connection c = connections.peek();
    return c == null ? 0 : c.number();
  }

  /** The destination's shared connections, for tests. */
  Reconnector connections() {
    return connections;
  }

  /** The connector, for tests of what the SSH client would read. */
  SshConnector connector() {
    return connector;
  }

  /** Releases this store's share of the connection; the last store of a destination closes it. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      release.run();
    }
  }

  @Override
  public String toString() {
    return location();
  }
}
