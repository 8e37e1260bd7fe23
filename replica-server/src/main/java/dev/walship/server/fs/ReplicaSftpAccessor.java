package dev.walship.server.fs;

import dev.walship.toolkit.files.DurableFiles;
import dev.walship.format.layout.PathClass;
import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.security.Principal;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.DirectoryHandle;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.Handle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;

/**
 * The SFTP side of the file layer: atomic uploads to final layout names, and the few SFTP
 * operations that must not reach the default accessor's host-level shortcuts.
 *
 * <p>Design note. A client that opens a final snapshot or segment name for writing (Litestream
 * v0.3.13 does, with O_TRUNC and no rename) writes into a hidden temporary file beside it. Only
 * when the client sends SSH_FXP_CLOSE for that handle (marked by {@link #listener()}) is the file
 * synced, validated and renamed over the final name; a handle that ends any other way (dropped
 * connection, session end, server shutdown) only deletes the temporary file, so the old file (or
 * none) stays. A rejected upload fails the close with the reason and leaves nothing behind.
 * Everything else goes through the session's {@link JailFileSystemProvider}.
 */
public final class ReplicaSftpAccessor implements SftpFileSystemAccessor {
  private static final AttributeKey<StagedUpload> STAGED = new AttributeKey<>();
  private static final AttributeKey<Boolean> CLIENT_CLOSED = new AttributeKey<>();
  private static final Set<StandardOpenOption> CREATION =
      EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.CREATE_NEW, StandardOpenOption.TRUNCATE_EXISTING);

  private final RandomGenerator random;
  private final WriteTracker writes;

  public ReplicaSftpAccessor(RandomGenerator random, WriteTracker writes) {
    this.random = random;
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
  public SeekableByteChannel openFile(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file,
      String handle, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    boolean write = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
    if (!write) {
      return FileChannel.open(file, options);
    }
    JailFileSystemProvider p = provider(file);
    Path real = p.openable(file, options);
    PathClass layout = p.policy().layoutClass(real);
    FileChannel channel;
    if (fileHandle != null && (layout instanceof PathClass.Snapshot || layout instanceof PathClass.WalSegment)) {
      channel = stage(p, fileHandle, file, real, layout, options, attrs);
    } else {
      channel = FileChannel.open(real, options, Modes.file(attrs));
    }
    writes.opened();
    return channel;
  }

  private FileChannel stage(JailFileSystemProvider p, FileHandle fileHandle, Path file, Path real,
      PathClass layout, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    String view = p.jail().view(real);
    boolean exists = Files.exists(real, LinkOption.NOFOLLOW_LINKS);
    if (exists && options.contains(StandardOpenOption.CREATE_NEW)) {
      throw new FileAlreadyExistsException(view);
    }
    if (!exists && !options.contains(StandardOpenOption.CREATE) && !options.contains(StandardOpenOption.CREATE_NEW)) {
      throw new NoSuchFileException(view);
    }
    Path temp = real.resolveSibling(HiddenNames.temporary(random));
    if (exists && !options.contains(StandardOpenOption.TRUNCATE_EXISTING)) {
      Files.copy(real, temp);
      Files.setPosixFilePermissions(temp, Modes.mask(Files.getPosixFilePermissions(real)));
    } else {
      Files.createFile(temp, Modes.file(attrs));
    }
    Set<OpenOption> opts = new HashSet<>(options);
    opts.removeAll(CREATION);
    opts.remove(LinkOption.NOFOLLOW_LINKS);
    opts.add(StandardOpenOption.WRITE);
    FileChannel channel;
    try {
      channel = FileChannel.open(temp, opts);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    StagedUpload upload = new StagedUpload(view, real, temp, layout);
    fileHandle.setAttribute(STAGED, upload);
    p.staging().add(p.names(file), upload);
    return channel;
  }

  @Override
  public void closeFile(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle,
      Channel channel, Set<? extends OpenOption> options) throws IOException {
    boolean write = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
    StagedUpload upload = fileHandle == null ? null : fileHandle.getAttribute(STAGED);
    try {
      if (upload != null) {
        JailFileSystemProvider p = provider(file);
        p.staging().remove(p.names(file), upload);
        boolean committed = Boolean.TRUE.equals(fileHandle.getAttribute(CLIENT_CLOSED));
        finish(p, upload, (FileChannel) channel, committed);
      } else if (channel != null && channel.isOpen()) {
        if (write && channel instanceof FileChannel fc) {
          fc.force(true);
        }
        channel.close();
      }
    } finally {
      if (write && channel != null) {
        writes.closed();
      }
    }
  }

  /** Commits (synced, validated, renamed over the final name) or discards a staged upload. */
  private static void finish(JailFileSystemProvider p, StagedUpload upload, FileChannel channel, boolean committed)
      throws IOException {
    boolean moved = false;
    try {
      if (!committed) {
        channel.close();
        p.audit().abandoned(upload.view());
        return;
      }
      channel.force(true);
      channel.close();
      Uploads.validate(p, upload.layout(), upload.temporary(), upload.target());
      Files.move(upload.temporary(), upload.target(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
      DurableFiles.syncDirectory(upload.target().getParent());
    } finally {
      if (channel.isOpen()) {
        channel.close();
      }
      if (!moved) {
        Files.deleteIfExists(upload.temporary());
      }
    }
  }

  @Override
  public DirectoryStream<Path> openDirectory(SftpSubsystemProxy subsystem, DirectoryHandle dirHandle, Path dir,
      String handle, LinkOption... linkOptions) throws IOException {
    return Files.newDirectoryStream(dir);
  }

  @Override
  public Map<String, ?> readFileAttributes(SftpSubsystemProxy subsystem, Path file, String view,
      LinkOption... options) throws IOException {
    StagedUpload staged = staged(file);
    return Files.readAttributes(staged == null ? file : staged.temporary(), view, options);
  }

  @Override
  public void setFileAttribute(SftpSubsystemProxy subsystem, Path file, String view, String attribute,
      Object value, LinkOption... options) throws IOException {
    if (value == null) {
      return;
    }
    StagedUpload staged = staged(file);
    if (staged == null) {
      Files.setAttribute(file, view + ":" + attribute, value, options);
    } else {
      provider(file).setAttributeReal(staged.temporary(), view + ":" + attribute, value, options);
    }
  }

  @Override
  public void setFilePermissions(SftpSubsystemProxy subsystem, Path file, Set<PosixFilePermission> perms,
      LinkOption... options) throws IOException {
    setFileAttribute(subsystem, file, "posix", "permissions", perms, options);
  }

  @Override
  public void setFileOwner(SftpSubsystemProxy subsystem, Path file, Principal value, LinkOption... options)
      throws IOException {
    setFileAttribute(subsystem, file, "posix", "owner", value, options);
  }

  @Override
  public void setGroupOwner(SftpSubsystemProxy subsystem, Path file, Principal value, LinkOption... options)
      throws IOException {
    setFileAttribute(subsystem, file, "posix", "group", value, options);
  }

  @Override
  public void setFileAccessControl(SftpSubsystemProxy subsystem, Path file, List<AclEntry> acl,
      LinkOption... options) throws IOException {
    JailFileSystemProvider p = provider(file);
    Path real = p.real(file, !List.of(options).contains(LinkOption.NOFOLLOW_LINKS), Op.SETSTAT);
    p.allow(Op.SETSTAT, real, "access control lists cannot be changed");
  }

  private static StagedUpload staged(Path file) throws IOException {
    JailFileSystemProvider p = provider(file);
    return p.staging().current(p.names(file));
  }

  private static JailFileSystemProvider provider(Path file) {
    return (JailFileSystemProvider) file.getFileSystem().provider();
  }
}
