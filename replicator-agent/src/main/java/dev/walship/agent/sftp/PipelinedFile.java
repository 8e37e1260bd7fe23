package dev.walship.agent.sftp;

import java.io.IOException;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.sftp.client.RawSftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.client.SftpMessage;
import org.apache.sshd.sftp.client.impl.SftpResponse;
import org.apache.sshd.sftp.client.impl.SftpStatus;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.apache.sshd.sftp.common.SftpHelper;
import org.apache.sshd.sftp.common.extensions.openssh.FsyncExtensionParser;

/**
 * The requests on one file handle open for writing, sent without waiting for their replies: the
 * content's writes as it streams in, then FSTAT, FSETSTAT (mtime and atime), {@code
 * fsync@openssh.com} and CLOSE; then every reply is received and checked in the order sent.
 * Uploading a small file so costs one round trip for all of them instead of one each.
 *
 * <p>Invariants. (1) Replies are checked in the order the requests were sent, and the first bad one
 * decides the failure, naming the step (a write at its offset, fstat, fsetstat, fsync, close). (2)
 * At most {@link #WRITES_IN_FLIGHT} writes are unanswered while the content streams: sending one
 * more first waits for the oldest reply, so a file of any size needs bounded memory, and a refused
 * write stops the stream early. (3) After {@link #finish} or {@link #abandon} no reply of this file
 * is left unreceived (MINA's client keeps every reply until someone asks for its id), and the
 * handle was sent CLOSE exactly once. (4) Nothing here renames: the caller renames only after
 * {@link #finish} returned, so a file whose writes failed never gets its final name.
 *
 * <p>Data buffers are filled in place behind room for the SFTP and WRITE headers (MINA writes the
 * former into that room without copying) and grow to {@link SftpReplicaStore#BUFFER_SIZE} only when
 * the content is that long; two alternate, since MINA sends one message at a time and the older is
 * sent by the time the newer is handed over.
 */
final class PipelinedFile {
  /** Unanswered writes at most while streaming: 8 × 255 KiB, OpenSSH's channel window. */
  static final int WRITES_IN_FLIGHT = 8;

  /** Room before a request's payload for MINA's SFTP header: length, type, request id. */
  private static final int SFTP_HEADER = 4 + 1 + 4;

  private static final int FIRST_CAPACITY = 16 * 1024;

  /** Whether to send {@code fsync@openssh.com}: only when the server offers it and needs it. */
  enum Fsync {
    OFFERED,
    NOT_OFFERED,
    /** The server syncs the file itself at CLOSE ({@code PublishOnClose}). */
    AT_CLOSE
  }

  /**
   * A request sent and not yet answered; {@code step} names it in messages, with {@code offset} for
   * a write.
   */
  private record Request(int id, int cmd, String step, long offset) {
    String describe() {
      return cmd == SftpConstants.SSH_FXP_WRITE ? step + " at offset " + offset : step;
    }
  }

  private final RawSftpClient sftp;
  private final int version;
  private final byte[] handle;
  private final String where;
  private final int dataStart;
  private final ArrayDeque<Request> pending = new ArrayDeque<>();
  private int writesPending;
  private Buffer filling;
  private Buffer sending;
  private SftpMessage sendingMessage;
  private long sent;
  private boolean closeSent;

  /**
   * @param sftp the channel the handle belongs to
   * @param version the SFTP version negotiated on it
   * @param handle the server's handle of the file, open for writing
   * @param where the file as an sftp URL, for messages
   */
  PipelinedFile(RawSftpClient sftp, int version, byte[] handle, String where) {
    this.sftp = sftp;
    this.version = version;
    this.handle = handle.clone();
    this.where = where;
    this.dataStart = SFTP_HEADER + 4 + handle.length + 8 + 4;
  }

  /** Bytes handed to {@link #write} so far. */
  long count() {
    return sent + (filling == null ? 0 : filling.wpos() - dataStart);
  }

  /** Appends content: sent in writes of {@link SftpReplicaStore#BUFFER_SIZE} bytes as it fills. */
  void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (filling == null) {
        filling = dataBuffer();
      }
      int n = Math.min(len, SftpReplicaStore.BUFFER_SIZE - (filling.wpos() - dataStart));
      filling.putRawBytes(b, off, n);
      off += n;
      len -= n;
      if (filling.wpos() - dataStart == SftpReplicaStore.BUFFER_SIZE) {
        sendData();
      }
    }
  }

  /**
   * Sends the last write, FSTAT, FSETSTAT of {@code mtime} (as mtime and atime), {@code
   * fsync@openssh.com} when {@code fsync} says so, and CLOSE, without waiting; then checks every
   * reply in order. Returns normally only when every write succeeded, the server holds exactly
   * {@link #count()} bytes, and the attributes, the sync and the close succeeded.
   */
  void finish(FileTime mtime, Fsync fsync) throws IOException {
    if (filling != null && filling.wpos() > dataStart) {
      sendData();
    }
    Buffer fstat = request();
    fstat.putBytes(handle);
    if (version >= SftpConstants.SFTP_V4) {
      fstat.putInt(SftpConstants.SSH_FILEXFER_ATTR_SIZE);
    }
    send(SftpConstants.SSH_FXP_FSTAT, fstat, "fstat");
    Buffer fsetstat = request();
    fsetstat.putBytes(handle);
    SftpHelper.writeAttributes(
        fsetstat, new Attributes().modifyTime(mtime).accessTime(mtime), version);
    send(SftpConstants.SSH_FXP_FSETSTAT, fsetstat, "fsetstat");
    if (fsync == Fsync.OFFERED) {
      Buffer sync = request();
      sync.putString(FsyncExtensionParser.NAME);
      sync.putBytes(handle);
      send(SftpConstants.SSH_FXP_EXTENDED, sync, "fsync");
    }
    sendClose();
    while (!pending.isEmpty()) {
      check(pending.removeFirst());
    }
  }

  /**
   * Best effort after a failure: closes the handle if that was not sent yet and receives every
   * outstanding reply, ignoring what they say (the first failure is already being reported). Gives
   * up at the first reply that does not come (the connection is gone then).
   */
  void abandon() {
    try {
      if (!closeSent) {
        sendClose();
      }
      while (!pending.isEmpty()) {
        sftp.receive(pending.removeFirst().id());
      }
    } catch (IOException | RuntimeException e) {
      pending.clear();
    }
  }

  private void sendClose() throws IOException {
    closeSent = true;
    Buffer close = request();
    close.putBytes(handle);
    send(SftpConstants.SSH_FXP_CLOSE, close, "close");
  }

  /** Sends the filled buffer as one WRITE at the next offset. */
  private void sendData() throws IOException {
    Buffer data = filling;
    filling = null;
    int length = data.wpos() - dataStart;
    int end = data.wpos();
    data.rpos(SFTP_HEADER);
    data.wpos(SFTP_HEADER);
    data.putBytes(handle);
    data.putLong(sent);
    data.putUInt(length);
    data.wpos(end);
    while (writesPending >= WRITES_IN_FLIGHT) {
      check(pending.removeFirst());
    }
    SftpMessage m = send(SftpConstants.SSH_FXP_WRITE, data, "write");
    sent += length;
    writesPending++;
    Buffer free = sending;
    SftpMessage freeMessage = sendingMessage;
    sending = data;
    sendingMessage = m;
    if (free != null) {
      freeMessage.waitUntilSent(); // already sent (MINA sends one message at a time): no wait
      filling = free;
      filling.rpos(dataStart);
      filling.wpos(dataStart);
    }
  }

  private Buffer dataBuffer() {
    Buffer b = new ByteArrayBuffer(dataStart + FIRST_CAPACITY, false);
    b.rpos(dataStart);
    b.wpos(dataStart);
    return b;
  }

  private static Buffer request() {
    return request(64);
  }

  /**
   * An empty request payload with room for {@code capacity} bytes behind room for MINA's SFTP
   * header (which MINA then writes in place, without copying the payload).
   */
  static Buffer request(int capacity) {
    Buffer b = new ByteArrayBuffer(SFTP_HEADER + capacity, false);
    b.rpos(SFTP_HEADER);
    b.wpos(SFTP_HEADER);
    return b;
  }

  private SftpMessage send(int cmd, Buffer payload, String step) throws IOException {
    SftpMessage m = sftp.write(cmd, payload);
    pending.addLast(new Request(m.getId(), cmd, step, sent));
    return m;
  }

  /** Receives the reply to {@code r} (waiting for it) and throws unless it is the one wanted. */
  private void check(Request r) throws IOException {
    if (r.cmd() == SftpConstants.SSH_FXP_WRITE) {
      writesPending--;
    }
    SftpResponse reply = SftpResponse.parse(r.cmd(), sftp.receive(r.id()));
    if (r.cmd() == SftpConstants.SSH_FXP_FSTAT && reply.getType() == SftpConstants.SSH_FXP_ATTRS) {
      checkSize(reply.getBuffer());
      return;
    }
    SftpStatus status;
    try {
      status = SftpStatus.parse(reply);
    } catch (SftpException e) {
      throw RemoteFiles.failure(where, "write: " + r.describe(), e);
    }
    if (!status.isOk()) {
      throw RemoteFiles.failure(
          where,
          "write: " + r.describe(),
          new SftpException(status.getStatusCode(), status.getMessage()));
    }
  }

  private void checkSize(Buffer attrs) throws IOException {
    int flags = attrs.getInt();
    if (version >= SftpConstants.SFTP_V4) {
      attrs.getUByte(); // the file's type
    }
    if ((flags & SftpConstants.SSH_FILEXFER_ATTR_SIZE) == 0) {
      throw new SftpStoreException(
          where + ": write: fstat: the server did not report the size", false, null);
    }
    long stored = attrs.getLong();
    if (stored != sent) {
      throw new SftpStoreException(
          where + ": write: the server stored " + stored + " bytes of " + sent + " sent",
          false,
          null);
    }
  }
}
