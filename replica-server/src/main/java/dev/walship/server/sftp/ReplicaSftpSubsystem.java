package dev.walship.server.sftp;

import dev.walship.format.store.PublishOnClose;
import dev.walship.format.store.PutFile;
import dev.walship.server.auth.UserKeyAuthenticator;
import dev.walship.server.fs.WriteTracker;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.common.OptionalFeature;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.io.IoUtils;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.extensions.openssh.AbstractOpenSSHExtensionParser.OpenSSHExtension;
import org.apache.sshd.sftp.common.extensions.openssh.FsyncExtensionParser;
import org.apache.sshd.sftp.common.extensions.openssh.LSetStatExtensionParser;
import org.apache.sshd.sftp.common.extensions.openssh.LimitsExtensionParser;
import org.apache.sshd.sftp.common.extensions.openssh.PosixRenameExtensionParser;
import org.apache.sshd.sftp.common.extensions.openssh.StatVfsExtensionParser;
import org.apache.sshd.sftp.server.Handle;
import org.apache.sshd.sftp.server.SftpSubsystem;
import org.apache.sshd.sftp.server.SftpSubsystemConfigurator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MINA's SFTP subsystem with a smaller surface: the extensions it answers are exactly the ones it
 * announces (see the package note) but {@link PublishOnClose}, which only states how uploads behave
 * and is answered as unsupported when sent as a request, {@code statvfs@openssh.com} and {@link
 * PutFile} are added (MINA lacks them), the VERSION reply names no vendor or version, and listings'
 * long names show the session's user as owner and group. A handle past {@code limits.open-handles}
 * or {@code limits.open-handles-per-user} is refused with a message naming the setting (see {@link
 * HandleLimits}).
 */
final class ReplicaSftpSubsystem extends SftpSubsystem {
  private static final Logger LOG = LoggerFactory.getLogger("dev.walship.server.audit");
  private static final List<OpenSSHExtension> EXTENSIONS =
      List.of(
          new OpenSSHExtension(PosixRenameExtensionParser.NAME, "1"),
          new OpenSSHExtension(StatVfsExtensionParser.NAME, "2"),
          new OpenSSHExtension(FsyncExtensionParser.NAME, "1"),
          new OpenSSHExtension(LSetStatExtensionParser.NAME, "1"),
          new OpenSSHExtension(LimitsExtensionParser.NAME, "1"),
          new OpenSSHExtension(PublishOnClose.NAME, "1"),
          new OpenSSHExtension(PutFile.NAME, "1"));

  private final WriteTracker writes;
  private final HandleLimits.Account account;
  private final AtomicBoolean refusalLogged = new AtomicBoolean();
  private int reported; // handles reported to account; guarded by this
  private boolean ended; // guarded by this

  ReplicaSftpSubsystem(
      ChannelSession channel,
      SftpSubsystemConfigurator configurator,
      WriteTracker writes,
      HandleLimits limits) {
    super(channel, configurator);
    this.writes = writes;
    this.account = limits.account(channel.getServerSession().getUsername());
  }

  @Override
  protected void doProcess(Buffer buffer, int length, int type, int id) throws IOException {
    try {
      writes.whileHandling(() -> super.doProcess(buffer, length, type, id));
    } finally {
      report();
    }
  }

  /** Refuses a handle past {@code limits.open-handles} or {@code limits.open-handles-per-user}. */
  @Override
  protected String generateFileHandle(Path file) throws IOException {
    int open = handles.size();
    if (open >= maxHandleCount) {
      throw refused(HandleLimits.Refusal.perSession(open, maxHandleCount));
    }
    int perUser = HandleLimits.perUser(getServerSession());
    int userOpen = account.open() + unreported();
    if (userOpen >= perUser) {
      throw refused(HandleLimits.Refusal.perUser(account.user(), userOpen, perUser));
    }
    return super.generateFileHandle(file);
  }

  @Override
  protected void closeAllHandles() {
    try {
      super.closeAllHandles();
    } finally {
      synchronized (this) {
        account.add(-reported);
        reported = 0;
        ended = true;
      }
    }
  }

  private synchronized int unreported() {
    return ended ? 0 : handles.size() - reported;
  }

  private synchronized void report() {
    if (!ended) {
      int now = handles.size();
      account.add(now - reported);
      reported = now;
    }
  }

  /** Logs the first refusal of this session (a client may retry in a loop). */
  private HandleLimits.Refusal refused(HandleLimits.Refusal r) {
    if (refusalLogged.compareAndSet(false, true)) {
      LOG.warn(
          "refused handle user={} address={}: {}; further refusals in this session are not logged",
          account.user(),
          UserKeyAuthenticator.address(getServerSession().getRemoteAddress()),
          r.getMessage());
    }
    return r;
  }

  @Override
  protected void executeExtendedCommand(Buffer buffer, int id, String extension)
      throws IOException {
    switch (extension) {
      case PosixRenameExtensionParser.NAME,
          FsyncExtensionParser.NAME,
          LSetStatExtensionParser.NAME,
          LimitsExtensionParser.NAME ->
          super.executeExtendedCommand(buffer, id, extension);
      case StatVfsExtensionParser.NAME -> doStatVfs(buffer, id);
      case PutFile.NAME -> doPutFile(buffer, id);
      default -> doUnsupportedExtension(buffer, id, extension);
    }
  }

  @Override
  protected List<OpenSSHExtension> resolveOpenSSHExtensions(ServerSession session) {
    return EXTENSIONS;
  }

  @Override
  protected Map<String, OptionalFeature> getSupportedClientExtensions(ServerSession session) {
    return Map.of();
  }

  @Override
  protected Map<String, ?> appendVendorIdExtension(
      Buffer buffer, Map<String, ?> versionProperties, ServerSession session) {
    return Map.of();
  }

  @Override
  protected String getLongName(Path f, String shortName, Map<String, ?> attributes)
      throws IOException {
    Map<String, Object> shown = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    shown.putAll(attributes);
    String user = getServerSession().getUsername();
    shown.put(IoUtils.OWNER_VIEW_ATTR, user);
    shown.put(IoUtils.GROUP_VIEW_ATTR, user);
    return super.getLongName(f, shortName, shown);
  }

  /**
   * {@link PutFile}: a whole file in one request, through the very steps (and so the checks) its
   * OPEN, WRITE, FSETSTAT and CLOSE would take; a step that fails abandons the open upload (closed
   * without being published) and its status is the reply.
   */
  private void doPutFile(Buffer buffer, int id) throws IOException {
    String path = buffer.getString();
    Map<String, Object> attrs = readAttrs(buffer);
    int length = buffer.getInt();
    if (length < 0 || length > buffer.available()) {
      sendStatus(
          prepareReply(buffer),
          id,
          SftpConstants.SSH_FX_BAD_MESSAGE,
          PutFile.NAME
              + ": content of "
              + length
              + " bytes in a request that holds "
              + buffer.available());
      return;
    }
    String handle = null;
    try {
      handle =
          doOpen(
              id,
              path,
              SftpConstants.SSH_FXF_CREATE_TRUNCATE,
              SftpConstants.ACE4_WRITE_DATA | SftpConstants.ACE4_WRITE_ATTRIBUTES,
              Map.of());
      doWrite(id, handle, 0, length, buffer.array(), buffer.rpos(), length);
      doFSetStat(id, handle, attrs);
      String open = handle;
      handle = null;
      doClose(id, open);
    } catch (IOException | RuntimeException e) {
      if (handle != null) {
        abandon(handle);
      }
      sendStatus(prepareReply(buffer), id, e, SftpConstants.SSH_FXP_EXTENDED, PutFile.NAME, path);
      return;
    }
    sendStatus(prepareReply(buffer), id, SftpConstants.SSH_FX_OK, "");
  }

  /** Closes an open handle without the client's CLOSE: an upload is then dropped, not published. */
  private void abandon(String handle) {
    Handle h = handles.remove(handle);
    if (h == null) {
      return;
    }
    try {
      h.close();
    } catch (IOException | RuntimeException e) {
      log.debug("{}: abandoning {}: {}", PutFile.NAME, handle, e.toString());
    }
  }

  /**
   * {@code statvfs@openssh.com}: the file system holding the path, as statvfs(3) would report it.
   */
  private void doStatVfs(Buffer buffer, int id) throws IOException {
    String path = buffer.getString();
    long[] values;
    try {
      FileStore store = Files.getFileStore(resolveFile(path));
      long bsize = Math.max(1, store.getBlockSize());
      values =
          new long[] {
            bsize,
            bsize,
            store.getTotalSpace() / bsize,
            store.getUnallocatedSpace() / bsize,
            store.getUsableSpace() / bsize,
            0,
            0,
            0,
            0,
            store.isReadOnly() ? 1 : 0,
            255
          };
    } catch (IOException | RuntimeException e) {
      sendStatus(
          prepareReply(buffer),
          id,
          e,
          SftpConstants.SSH_FXP_EXTENDED,
          StatVfsExtensionParser.NAME,
          path);
      return;
    }
    Buffer reply = prepareReply(buffer);
    reply.putByte((byte) SftpConstants.SSH_FXP_EXTENDED_REPLY);
    reply.putInt(id);
    for (long v : values) {
      reply.putLong(v);
    }
    send(reply);
  }
}
