package dev.walship.server.fs;

import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.security.Principal;
import java.util.List;
import java.util.Set;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.DirectoryHandle;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.Handle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;

/**
 * The SFTP side of the file layer: handles open for writing, and the few SFTP operations that must
 * not reach the default accessor's host-level shortcuts.
 *
 * <p>Design note. Every handle a client opens for writing writes into a private temporary file of
 * its own ({@link Staging}). Only when the client sends SSH_FXP_CLOSE for that handle (marked by
 * {@link #listener()}) is the file synced, validated when it has a snapshot or segment name, and
 * renamed over its name; a handle that ends any other way (dropped connection, session end, server
 * shutdown) only deletes its temporary file, so the old file (or none) stays. A rejected upload
 * fails the close with the reason and leaves nothing behind. A size change by path or by handle
 * only ever truncates the session's own open upload. Everything else goes through the session's
 * {@link JailFileSystemProvider}.
 */
public final class ReplicaSftpAccessor implements SftpFileSystemAccessor {
  private static final AttributeKey<GuardedChannel> STAGED = new AttributeKey<>();
  private static final AttributeKey<Boolean> CLIENT_CLOSED = new AttributeKey<>();

  private final WriteTracker writes;

  public ReplicaSftpAccessor(WriteTracker writes) {
    this.writes = writes;
  }

  /** Marks handles the client closed itself: only those commit a staged upload. */
  public SftpEventListener listener() {
    return new SftpEventListener() {
      @Override
      public void closing(ServerSession session, String remoteHandle, Handle localHandle) {
        localHandle.setAttribute(CLIENT_CLOSED, Boolean.TRUE);
      }
    };
  }

  @Override
  public Path resolveLocalFilePath(SftpSubsystemProxy subsystem, Path rootDir, String remotePath)
      throws IOException {
    Path p = rootDir.resolve(remotePath).toAbsolutePath().normalize();
    for (Path name : p) {
      if (HiddenNames.isHidden(name.toString())) {
        throw new NoSuchFileException(remotePath);
      }
    }
    return p;
  }

  @Override
  public SeekableByteChannel openFile(
      SftpSubsystemProxy subsystem,
      FileHandle fileHandle,
      Path file,
      String handle,
      Set<? extends OpenOption> options,
      FileAttribute<?>... attrs)
      throws IOException {
    boolean write =
        options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
    if (!write) {
      return FileChannel.open(file, options);
    }
    JailFileSystemProvider p = provider(file);
    if (fileHandle == null) {
      return Staging.forSizeChange(p, file); // MINA's SETSTAT/FSETSTAT of a size
    }
    GuardedChannel channel = Staging.open(p, file, options, attrs);
    fileHandle.setAttribute(STAGED, channel);
    p.uploads().add(p.names(file), channel);
    writes.opened();
    return channel;
  }

  @Override
  public void closeFile(
      SftpSubsystemProxy subsystem,
      FileHandle fileHandle,
      Path file,
      String handle,
      Channel channel,
      Set<? extends OpenOption> options)
      throws IOException {
    GuardedChannel upload = fileHandle == null ? null : fileHandle.getAttribute(STAGED);
    if (upload == null) {
      if (channel != null) {
        channel.close();
      }
      return;
    }
    try {
      JailFileSystemProvider p = provider(file);
      p.uploads().remove(p.names(file), upload);
      Staging.finish(p, upload, Boolean.TRUE.equals(fileHandle.getAttribute(CLIENT_CLOSED)));
    } finally {
      writes.closed();
    }
  }

  @Override
  public DirectoryStream<Path> openDirectory(
      SftpSubsystemProxy subsystem,
      DirectoryHandle dirHandle,
      Path dir,
      String handle,
      LinkOption... linkOptions)
      throws IOException {
    return Files.newDirectoryStream(dir);
  }

  @Override
  public void setFileAttribute(
      SftpSubsystemProxy subsystem,
      Path file,
      String view,
      String attribute,
      Object value,
      LinkOption... options)
      throws IOException {
    if (value == null) {
      return;
    }
    GuardedChannel open = open(file);
    if (open == null) {
      Files.setAttribute(file, view + ":" + attribute, value, options);
    } else if (attribute.equals("permissions") && value instanceof Set<?> perms) {
      open.mode(Modes.mask(perms, false));
    } else {
      provider(file)
          .setAttributeReal(open.upload().temporary(), view + ":" + attribute, value, options);
    }
  }

  @Override
  public void setFilePermissions(
      SftpSubsystemProxy subsystem,
      Path file,
      Set<PosixFilePermission> perms,
      LinkOption... options)
      throws IOException {
    setFileAttribute(subsystem, file, "posix", "permissions", perms, options);
  }

  @Override
  public void setFileOwner(
      SftpSubsystemProxy subsystem, Path file, Principal value, LinkOption... options)
      throws IOException {
    setFileAttribute(subsystem, file, "posix", "owner", value, options);
  }

  @Override
  public void setGroupOwner(
      SftpSubsystemProxy subsystem, Path file, Principal value, LinkOption... options)
      throws IOException {
    setFileAttribute(subsystem, file, "posix", "group", value, options);
  }

  @Override
  public void setFileAccessControl(
      SftpSubsystemProxy subsystem, Path file, List<AclEntry> acl, LinkOption... options)
      throws IOException {
    JailFileSystemProvider p = provider(file);
    Path real = p.real(file, !List.of(options).contains(LinkOption.NOFOLLOW_LINKS), Op.SETSTAT);
    p.allow(Op.SETSTAT, real, "access control lists cannot be changed");
  }

  /** The session's open upload to {@code file}, or null. */
  private static GuardedChannel open(Path file) throws IOException {
    JailFileSystemProvider p = provider(file);
    return p.uploads().current(p.names(file));
  }

  private static JailFileSystemProvider provider(Path file) {
    return (JailFileSystemProvider) file.getFileSystem().provider();
  }
}
