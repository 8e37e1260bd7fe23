package dev.walship.agent.sftp;

import dev.walship.format.store.ContentWriter;
import dev.walship.format.store.Entry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.sshd.common.RuntimeSshException;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHFsyncExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.client.impl.AbstractSftpClient;
import org.apache.sshd.sftp.client.impl.SftpOutputStreamAsync;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt to write a file atomically: stream the content into the temporary name (created, with
 * missing parent directories, and truncated), check that the server holds exactly the bytes sent,
 * {@code fsync@openssh.com} it when offered, set its mtime, and rename it over the final name with
 * {@code posix-rename@openssh.com} (atomic replace): seven round trips, none of them a listing.
 * Without that extension the final name is removed first and the plain SFTP rename used, which
 * leaves a moment without the file.
 *
 * <p>Content is streamed in pipelined writes of {@link SftpReplicaStore#BUFFER_SIZE} bytes (MINA's
 * async stream keeps two requests in flight): nothing holds the whole file. The stream handed to
 * the {@link ContentWriter} ignores {@code close()} (the writer may wrap it in a stream that closes
 * it) and remembers remote failures, so the caller can tell them from failures of the content
 * itself: only the former are worth a retry on a new connection.
 */
final class AtomicUpload {
  private static final Logger LOG = LoggerFactory.getLogger(AtomicUpload.class);

  /** The content writer failed (not the connection): its exception, to rethrow as it is. */
  static final class ContentFailure extends Exception {
    private static final long serialVersionUID = 1L;

    ContentFailure(Throwable cause) {
      super(cause);
    }
  }

  private final SftpClient sftp;
  private final String temp;
  private final String target;
  private final String where;

  /**
   * @param temp server path of the temporary name
   * @param target server path of the final name
   * @param where the final name as an sftp URL, for messages
   */
  AtomicUpload(SftpClient sftp, String temp, String target, String where) {
    this.sftp = sftp;
    this.temp = temp;
    this.target = target;
    this.where = where;
  }

  /** Runs the attempt; returns the final file's entry as the server lists it. */
  Entry run(String fileName, Instant modified, ContentWriter content)
      throws IOException, ContentFailure {
    long sent;
    try (CloseableHandle handle = RemoteFiles.createForWrite(sftp, temp)) {
      sent = stream(handle, content);
      long stored = sftp.stat(handle).getSize();
      if (stored != sent) {
        throw new SftpStoreException(
            where + ": write: the server stored " + stored + " bytes of " + sent + " sent",
            false,
            null);
      }
      OpenSSHFsyncExtension fsync = sftp.getExtension(OpenSSHFsyncExtension.class);
      if (fsync.isSupported()) {
        fsync.fsync(handle);
      } else {
        LOG.debug("{}: server does not offer fsync@openssh.com; not syncing", where);
      }
    }
    FileTime mtime = FileTime.from(modified);
    sftp.setStat(temp, new Attributes().modifyTime(mtime).accessTime(mtime));
    rename();
    // the file as the server now lists it, without asking again: the size it confirmed above, the
    // mtime it was given (SFTP v3 carries whole seconds)
    Instant listed =
        sftp.getVersion() <= SftpConstants.SFTP_V3
            ? modified.truncatedTo(ChronoUnit.SECONDS)
            : modified;
    return new Entry(fileName, false, sent, listed);
  }

  private long stream(CloseableHandle handle, ContentWriter content)
      throws IOException, ContentFailure {
    SftpOutputStreamAsync out =
        new SftpOutputStreamAsync(
            (AbstractSftpClient) sftp, SftpReplicaStore.BUFFER_SIZE, temp, handle, false);
    RemoteOutput remote = new RemoteOutput(out);
    try {
      content.writeTo(remote);
    } catch (IOException | RuntimeException e) {
      if (remote.failure != null) {
        throw remote.failure;
      }
      throw new ContentFailure(e);
    }
    out.close(); // sends what is buffered and waits for every write's status
    return remote.count;
  }

  private void rename() throws IOException {
    OpenSSHPosixRenameExtension posix = sftp.getExtension(OpenSSHPosixRenameExtension.class);
    if (posix.isSupported()) {
      posix.posixRename(temp, target);
      return;
    }
    LOG.debug(
        "{}: server does not offer posix-rename@openssh.com; removing the old file, then renaming",
        where);
    try {
      sftp.remove(target);
    } catch (SftpException e) {
      if (e.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE) {
        throw e;
      }
    }
    sftp.rename(temp, target);
  }

  /** Best effort: removes the temporary file after a failed attempt. */
  void discard() {
    try {
      sftp.remove(temp);
    } catch (IOException | RuntimeException e) {
      LOG.debug("{}: could not remove {} after a failed write: {}", where, temp, e.toString());
    }
  }

  /** The stream the content writer sees: counts bytes, remembers remote failures, ignores close. */
  private static final class RemoteOutput extends OutputStream {
    private final OutputStream out;
    private long count;
    private IOException failure;

    RemoteOutput(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (failure != null) {
        throw failure;
      }
      try {
        out.write(b, off, len);
        count += len;
      } catch (IOException e) {
        failure = e;
        throw e;
      } catch (RuntimeSshException e) {
        failure = new IOException(e.getMessage(), e);
        throw failure;
      }
    }

    @Override
    public void flush() {
      // pipelined: the store waits for every write at the end
    }

    @Override
    public void close() {
      // the store closes the remote stream after writeTo returns
    }
  }
}
