package dev.walship.agent.sftp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.attribute.FileTime;
import org.apache.sshd.common.RuntimeSshException;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.client.impl.AbstractSftpClient;
import org.apache.sshd.sftp.client.impl.SftpInputStreamAsync;
import org.apache.sshd.sftp.common.SftpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A remote file as a stream with pipelined read-ahead (MINA's async stream: as many requests of
 * {@link SftpReplicaStore#BUFFER_SIZE} bytes in flight as the channel window holds). When the
 * connection drops, it reconnects through the store (its {@link Reconnector}) and goes on at the
 * byte it had reached, so one dropped connection does not fail a restore (Litestream's issue #585).
 *
 * <p>Invariants: {@code position} counts the bytes handed to the caller; a resume happens only when
 * bytes were read since the previous failure (two failures in a row without progress end the read);
 * the file must still have the size and mtime it had when opened (layout files never change, so a
 * difference means another file took its name); at EOF, {@code position} must equal that size, or
 * the read fails instead of returning a short file.
 */
final class ResumingInputStream extends InputStream {
  /** How the stream gets a new connection: the store's, whose failures name the replica. */
  interface Reconnect {
    /** A working connection in place of {@code failed}. */
    Connection replace(Connection failed) throws IOException;

    /** Drops {@code failed} if it is still current, without connecting. */
    void discard(Connection failed);
  }

  private static final Logger LOG = LoggerFactory.getLogger(ResumingInputStream.class);

  private final Reconnect connections;
  private final String path;
  private final String where;

  /** The smallest read request sent. */
  static final int SMALLEST_READ = 8 << 10;

  private final long size;
  private final FileTime modified;
  private Connection connection;
  private SftpInputStreamAsync in;
  private long position;
  private long failedAt = -1;
  private boolean closed;

  private ResumingInputStream(
      Reconnect connections, Connection connection, String path, String where, Attributes attrs) {
    this.connections = connections;
    this.connection = connection;
    this.path = path;
    this.where = where;
    this.size = attrs.getSize();
    this.modified = attrs.getModifyTime();
  }

  /**
   * Opens {@code path} on {@code connection}; SFTP failures propagate raw for the caller to map.
   */
  static ResumingInputStream open(
      Reconnect connections, Connection connection, String path, String where) throws IOException {
    Attributes attrs = connection.sftp().stat(path);
    if (attrs.isDirectory()) {
      throw new SftpStoreException(where + ": open: is a directory, not a file", false, null);
    }
    ResumingInputStream s = new ResumingInputStream(connections, connection, path, where, attrs);
    s.in = s.openAt(connection.sftp(), 0);
    return s;
  }

  /**
   * Reads from {@code offset} in requests of at most {@link SftpReplicaStore#BUFFER_SIZE} bytes, or
   * of what is left of the file when that is less (but at least {@link #SMALLEST_READ}): a server
   * allocates the length each READ asks for, and most replica files are a few KiB.
   */
  private SftpInputStreamAsync openAt(SftpClient sftp, long offset) throws IOException {
    CloseableHandle h = sftp.open(path, SftpClient.OpenMode.Read);
    int chunk =
        (int) Math.max(SMALLEST_READ, Math.min(SftpReplicaStore.BUFFER_SIZE, size - offset));
    return new SftpInputStreamAsync((AbstractSftpClient) sftp, chunk, offset, size, path, h, true);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException(where + ": read: stream closed");
    }
    if (len == 0) {
      return 0;
    }
    while (true) {
      try {
        int n = in.read(b, off, len);
        if (n > 0) {
          position += n;
          return n;
        }
        if (n < 0) {
          if (position != size) {
            throw new SftpStoreException(
                where + ": read: the file ended at byte " + position + " of " + size, false, null);
          }
          return -1;
        }
      } catch (SftpException e) {
        throw RemoteFiles.failure(where, "read", e);
      } catch (IOException | RuntimeSshException e) {
        if (!RemoteFiles.isConnectionFailure(e)) {
          throw e;
        }
        resumeAfter(e);
      }
    }
  }

  private void resumeAfter(Exception cause) throws IOException {
    if (failedAt == position) {
      throw new SftpStoreException(
          where
              + ": read: connection lost again at byte "
              + position
              + " of "
              + size
              + " without progress: "
              + SshConnector.describe(cause),
          false,
          cause);
    }
    failedAt = position;
    LOG.info(
        "{}: connection lost at byte {} of {} ({}); reconnecting to resume",
        where,
        position,
        size,
        SshConnector.describe(cause));
    closeQuietly();
    connection = connections.replace(connection);
    try {
      Attributes now = connection.sftp().stat(path);
      if (now.getSize() != size || !now.getModifyTime().equals(modified)) {
        throw new SftpStoreException(
            where
                + ": read: the file changed while it was read (size "
                + size
                + " -> "
                + now.getSize()
                + ", mtime "
                + modified
                + " -> "
                + now.getModifyTime()
                + ")",
            false,
            null);
      }
      in = openAt(connection.sftp(), position);
    } catch (SftpException e) {
      throw RemoteFiles.failure(where, "read (resuming)", e);
    } catch (IOException | RuntimeSshException e) {
      if (!RemoteFiles.isConnectionFailure(e)) {
        throw e;
      }
      connections.discard(connection);
      throw new SftpStoreException(
          where
              + ": read: connection lost again while resuming at byte "
              + position
              + ": "
              + SshConnector.describe(e),
          false,
          e);
    }
  }

  @Override
  public long transferTo(OutputStream out) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    for (int n = read(buf, 0, buf.length); n >= 0; n = read(buf, 0, buf.length)) {
      out.write(buf, 0, n);
      total += n;
    }
    return total;
  }

  /** Bytes read so far. */
  long position() {
    return position;
  }

  private void closeQuietly() {
    try {
      if (in != null) {
        in.close();
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("{}: closing a broken read: {}", where, e.toString());
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      closeQuietly();
    }
  }
}
