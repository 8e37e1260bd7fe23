package dev.walship.agent.sftp;

import dev.walship.format.store.ContentWriter;
import dev.walship.format.store.Entry;
import dev.walship.format.store.PublishOnClose;
import dev.walship.format.store.PutFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import org.apache.sshd.common.RuntimeSshException;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.sftp.client.RawSftpClient;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHFsyncExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.client.impl.SftpResponse;
import org.apache.sshd.sftp.client.impl.SftpStatus;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.apache.sshd.sftp.common.SftpHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt to write a file atomically. To a server that announces {@link PutFile}
 * (replica-server), a file of at most {@link PutFile#MAX_CONTENT} bytes is one request and one
 * round trip: the content is gathered in memory and sent whole with its name and mtime; the server
 * writes, syncs, validates and publishes it, or keeps the old file. A larger file, or any file to a
 * server that announces {@link PublishOnClose} only, takes two round trips: (1) open the final
 * name; (2) the content's writes, FSTAT, FSETSTAT of the mtime and CLOSE, as below; the server
 * syncs, validates and publishes the file at CLOSE, and keeps the old one when anything failed. If
 * the content writer fails halfway, the handle is still closed, and what the server holds is
 * refused: every replica file is one LZ4 frame or age file, and neither validates before its
 * writer's last bytes. To any other server, three round trips: (1) open the temporary name
 * (created, with missing parent directories, and truncated); (2) through {@link PipelinedFile}, the
 * content's writes, FSTAT, FSETSTAT of the mtime, {@code fsync@openssh.com} when offered and CLOSE,
 * sent without waiting, then every reply checked in order: each write succeeded, the server holds
 * exactly the bytes sent, and the mtime, the sync and the close took; (3) only then rename it over
 * the final name with {@code posix-rename@openssh.com} (atomic replace). The rename is never sent
 * before the replies of (2) are in: a file whose writes failed must never get its final name.
 * Without that extension the final name is removed first and the plain SFTP rename used, which
 * leaves a moment without the file.
 *
 * <p>Content is streamed in writes of {@link SftpReplicaStore#BUFFER_SIZE} bytes with a bounded
 * number in flight: nothing holds the whole file but a {@link PutFile} upload, which is small. The
 * remote file is opened when the content outgrows what one {@link PutFile} request carries, or,
 * when the server has no such extension, before any content is asked for (a refused name then costs
 * no compression). The stream handed to the {@link ContentWriter} ignores {@code close()} (the
 * writer may wrap it in a stream that closes it) and remembers remote failures, so the caller can
 * tell them from failures of the content itself: only the former are worth a retry on a new
 * connection.
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
  private String opened;

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
    boolean putFile = sftp.getServerExtensions().containsKey(PutFile.NAME);
    boolean publishedOnClose =
        putFile || sftp.getServerExtensions().containsKey(PublishOnClose.NAME);
    opened = publishedOnClose ? target : temp;
    RemoteOutput remote = new RemoteOutput(putFile ? PutFile.MAX_CONTENT : 0, this::open);
    try {
      if (!putFile) {
        remote.file(); // open first: a refused name fails before any content is made
      }
      stream(remote, content);
      if (remote.file == null) {
        put(remote.held, remote.heldCount, FileTime.from(modified));
        return listed(fileName, modified, remote.count());
      }
      remote
          .file()
          .finish(
              FileTime.from(modified), publishedOnClose ? PipelinedFile.Fsync.AT_CLOSE : fsync());
    } catch (ContentFailure e) {
      remote.abandon();
      throw e;
    } catch (IOException | RuntimeException e) {
      if (!RemoteFiles.isConnectionFailure(e)) {
        remote.abandon(); // a refusal: the channel still works, and must not keep our replies
      }
      throw e;
    }
    if (!publishedOnClose) {
      rename();
    }
    return listed(fileName, modified, remote.count());
  }

  /**
   * The file as the server now lists it, without asking again: the size it confirmed, the mtime it
   * was given (SFTP v3 carries whole seconds).
   */
  private Entry listed(String fileName, Instant modified, long size) {
    Instant listed =
        sftp.getVersion() <= SftpConstants.SFTP_V3
            ? modified.truncatedTo(ChronoUnit.SECONDS)
            : modified;
    return new Entry(fileName, false, size, listed);
  }

  /** Opens the name this attempt writes, creating missing parent directories. */
  private PipelinedFile open() throws IOException {
    CloseableHandle handle = RemoteFiles.createForWrite(sftp, opened);
    return new PipelinedFile(
        (RawSftpClient) sftp, sftp.getVersion(), handle.getIdentifier(), where);
  }

  /**
   * Uploads the whole file in one {@link PutFile} request; when its directory is missing, creates
   * it and sends the request again.
   */
  private void put(byte[] content, int length, FileTime mtime) throws IOException {
    try {
      sendPut(content, length, mtime);
    } catch (SftpException e) {
      String parent = RemoteFiles.parent(target);
      if (e.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE || parent == null) {
        throw e;
      }
      RemoteFiles.mkdirs(sftp, parent);
      sendPut(content, length, mtime);
    }
  }

  private void sendPut(byte[] content, int length, FileTime mtime) throws IOException {
    byte[] name = target.getBytes(StandardCharsets.UTF_8);
    Buffer b = PipelinedFile.request(64 + PutFile.NAME.length() + name.length + length);
    b.putString(PutFile.NAME);
    b.putBytes(name);
    SftpHelper.writeAttributes(
        b, new Attributes().modifyTime(mtime).accessTime(mtime), sftp.getVersion());
    b.putBytes(content, 0, length);
    RawSftpClient raw = (RawSftpClient) sftp;
    int id = raw.write(SftpConstants.SSH_FXP_EXTENDED, b).getId();
    SftpStatus status =
        SftpStatus.parse(SftpResponse.parse(SftpConstants.SSH_FXP_EXTENDED, raw.receive(id)));
    if (!status.isOk()) {
      throw new SftpException(status.getStatusCode(), status.getMessage());
    }
  }

  private PipelinedFile.Fsync fsync() {
    if (sftp.getExtension(OpenSSHFsyncExtension.class).isSupported()) {
      return PipelinedFile.Fsync.OFFERED;
    }
    LOG.debug("{}: server does not offer fsync@openssh.com; not syncing", where);
    return PipelinedFile.Fsync.NOT_OFFERED;
  }

  private static void stream(RemoteOutput remote, ContentWriter content)
      throws IOException, ContentFailure {
    try {
      content.writeTo(remote);
    } catch (IOException | RuntimeException e) {
      if (remote.failure != null) {
        throw remote.failure;
      }
      throw new ContentFailure(e);
    }
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

  /**
   * Best effort: removes the temporary file after a failed attempt (nothing when the final name was
   * opened: the server has kept the old file and dropped the upload).
   */
  void discard() {
    if (!temp.equals(opened)) {
      return;
    }
    try {
      sftp.remove(temp);
    } catch (IOException | RuntimeException e) {
      LOG.debug("{}: could not remove {} after a failed write: {}", where, temp, e.toString());
    }
  }

  /** Opens the remote file once the content needs it. */
  private interface Opener {
    PipelinedFile open() throws IOException;
  }

  /**
   * The stream the content writer sees: holds the first {@code held} bytes in memory (what one
   * {@link PutFile} request carries; none without it), opens the remote file once there are more
   * and streams everything from then on; remembers remote failures, ignores close.
   */
  private static final class RemoteOutput extends OutputStream {
    private final Opener opener;
    private final int limit;
    private byte[] held;
    private int heldCount;
    private PipelinedFile file;
    private IOException failure;

    RemoteOutput(int limit, Opener opener) {
      this.limit = limit;
      this.opener = opener;
      this.held = new byte[Math.min(limit, 4096)];
    }

    /** Bytes written so far. */
    long count() {
      return file == null ? heldCount : file.count();
    }

    /** The remote file, opened now (with what is held) if it is not yet. */
    PipelinedFile file() throws IOException {
      if (file == null) {
        PipelinedFile f = opener.open();
        file = f;
        f.write(held, 0, heldCount);
        held = null;
      }
      return file;
    }

    /** After a failure: closes the remote file if it was opened (see {@link PipelinedFile}). */
    void abandon() {
      if (file != null) {
        file.abandon();
      }
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
      if (file == null && heldCount + len <= limit) {
        if (heldCount + len > held.length) {
          held = Arrays.copyOf(held, Math.min(limit, Math.max(heldCount + len, 2 * held.length)));
        }
        System.arraycopy(b, off, held, heldCount, len);
        heldCount += len;
        return;
      }
      try {
        file().write(b, off, len);
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
      // pipelined: every write's reply is checked at the end
    }

    @Override
    public void close() {
      // the upload sends the rest after writeTo returns
    }
  }
}
