package dev.walship.server.fs;

import dev.walship.toolkit.files.DurableFiles;
import dev.walship.format.layout.PathClass;
import dev.walship.server.content.ContentValidator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.apache.sshd.common.file.root.RootedFileSystemProvider;
import org.apache.sshd.common.file.root.RootedPath;

/**
 * The one choke point of a session's file system: every operation on a path of the user's view
 * comes here, and only here is the host touched.
 *
 * <p>Each operation (1) normalizes the path (no {@code ..} above {@code /}) and refuses the
 * server's hidden names, (2) maps it through the {@link Jail} (nothing outside the root, following
 * symbolic links where the operation would), (3) for any change, asks the {@link WritePolicy},
 * (4) acts on the real host path, creating files and directories without group/world write. A
 * refusal is logged once, with the user, and thrown as {@link PolicyDeniedException}. Links and
 * server-side copies are never made. A rename onto a final snapshot or segment name first
 * validates the content.
 */
final class JailFileSystemProvider extends RootedFileSystemProvider {
  private final Jail jail;
  private final WritePolicy policy;
  private final ContentValidator validator;
  private final Audit audit;
  private final Staging staging = new Staging();

  JailFileSystemProvider(Jail jail, WritePolicy policy, ContentValidator validator, Audit audit) {
    this.jail = jail;
    this.policy = policy;
    this.validator = validator;
    this.audit = audit;
  }

  Jail jail() {
    return jail;
  }

  WritePolicy policy() {
    return policy;
  }

  ContentValidator validator() {
    return validator;
  }

  Audit audit() {
    return audit;
  }

  Staging staging() {
    return staging;
  }

  // ---- mapping and refusing ------------------------------------------------------------------

  /** The normalized names of a path of this view; hidden names do not exist. */
  List<String> names(Path path) throws IOException {
    if (!(path instanceof RootedPath rp) || rp.getFileSystem().provider() != this) {
      throw new ProviderMismatchException("not a path of this session's view: " + path);
    }
    RootedPath abs = rp.toAbsolutePath().normalize();
    List<String> names = new ArrayList<>(abs.getNameCount());
    for (Path n : abs) {
      String s = n.toString();
      if (HiddenNames.isHidden(s)) {
        throw new NoSuchFileException(abs.toString());
      }
      names.add(s);
    }
    return names;
  }

  /** The real host path of {@code path}; a refusal is logged as {@code op}. */
  Path real(Path path, boolean followFinal, Op op) throws IOException {
    List<String> names = names(path);
    try {
      return jail.resolve(names, followFinal);
    } catch (PolicyDeniedException e) {
      audit.denied(op, e.getFile(), e.getReason());
      throw e;
    }
  }

  /** Throws (and logs) when {@code reason} is not null. */
  void allow(Op op, Path real, String reason) throws PolicyDeniedException {
    if (reason != null) {
      String view = jail.view(real);
      audit.denied(op, view, reason);
      throw new PolicyDeniedException(view, reason);
    }
  }

  /** The real host path to open with {@code options}, after the policy allowed it. */
  Path openable(Path path, Set<? extends OpenOption> options) throws IOException {
    boolean write = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
    Path real = real(path, !options.contains(LinkOption.NOFOLLOW_LINKS), write ? Op.WRITE : Op.READ);
    if (write) {
      allow(Op.WRITE, real, policy.openForWrite(real));
    }
    return real;
  }

  // ---- opening -------------------------------------------------------------------------------

  @Override
  public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
      throws IOException {
    return Files.newByteChannel(openable(path, options), options, Modes.file(attrs));
  }

  @Override
  public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
      throws IOException {
    return FileChannel.open(openable(path, options), options, Modes.file(attrs));
  }

  @Override
  public AsynchronousFileChannel newAsynchronousFileChannel(
      Path path, Set<? extends OpenOption> options, ExecutorService executor, FileAttribute<?>... attrs)
      throws IOException {
    return AsynchronousFileChannel.open(openable(path, options), options, executor, Modes.file(attrs));
  }

  @Override
  public InputStream newInputStream(Path path, OpenOption... options) throws IOException {
    Set<OpenOption> opts = new HashSet<>(Arrays.asList(options));
    return Channels.newInputStream(newByteChannel(path, opts));
  }

  @Override
  public OutputStream newOutputStream(Path path, OpenOption... options) throws IOException {
    Set<OpenOption> opts = new HashSet<>(Arrays.asList(options));
    if (opts.isEmpty()) {
      opts.addAll(List.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING));
    }
    opts.add(StandardOpenOption.WRITE);
    return Channels.newOutputStream(newByteChannel(path, opts));
  }

  @Override
  public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
      throws IOException {
    Path real = real(dir, true, Op.READ);
    Path view = ((RootedPath) dir).toAbsolutePath().normalize();
    return new JailDirectoryStream(view, Files.newDirectoryStream(real), filter);
  }

  // ---- changing ------------------------------------------------------------------------------

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
    Path real = real(dir, false, Op.MKDIR);
    allow(Op.MKDIR, real, policy.createDirectory(real));
    Files.createDirectory(real, Modes.directory(attrs));
  }

  @Override
  public void delete(Path path) throws IOException {
    Path real = real(path, false, Op.REMOVE);
    Op op = Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS) ? Op.RMDIR : Op.REMOVE;
    allow(op, real, policy.modify(real));
    Files.delete(real);
  }

  @Override
  public boolean deleteIfExists(Path path) throws IOException {
    try {
      delete(path);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  @Override
  public void move(Path source, Path target, CopyOption... options) throws IOException {
    Path from = real(source, false, Op.RENAME);
    Path to = real(target, false, Op.RENAME);
    boolean directory = Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS);
    allow(Op.RENAME, from, policy.move(from, to, directory));
    PathClass pc = policy.layoutClass(to);
    boolean layoutFile = !directory && (pc instanceof PathClass.Snapshot || pc instanceof PathClass.WalSegment);
    if (layoutFile) {
      Uploads.validate(this, pc, from, to);
    }
    List<CopyOption> opts = new ArrayList<>(Arrays.asList(options));
    if (opts.contains(StandardCopyOption.REPLACE_EXISTING) && !opts.contains(StandardCopyOption.ATOMIC_MOVE)) {
      opts.add(StandardCopyOption.ATOMIC_MOVE);
    }
    if (!opts.contains(StandardCopyOption.REPLACE_EXISTING) && Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(jail.view(to));
    }
    Files.move(from, to, opts.toArray(CopyOption[]::new));
    if (layoutFile) {
      DurableFiles.syncDirectory(to.getParent());
    }
  }

  @Override
  public void copy(Path source, Path target, CopyOption... options) throws IOException {
    Path real = real(target, false, Op.COPY);
    allow(Op.COPY, real, "copying on the server is not offered");
  }

  @Override
  public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
    Path real = real(link, false, Op.LINK);
    allow(Op.LINK, real, "links cannot be created");
  }

  @Override
  public void createLink(Path link, Path existing) throws IOException {
    Path real = real(link, false, Op.LINK);
    allow(Op.LINK, real, "links cannot be created");
  }

  @Override
  public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
    Path real = real(path, follows(options), Op.SETSTAT);
    allow(Op.SETSTAT, real, policy.modify(real));
    setAttributeReal(real, attribute, value, options);
  }

  /** Sets an attribute of a host path the policy already allowed: no owner changes, masked modes. */
  void setAttributeReal(Path real, String attribute, Object value, LinkOption... options) throws IOException {
    String name = attribute.substring(attribute.indexOf(':') + 1);
    if (Set.of("owner", "group", "uid", "gid").contains(name)) {
      allow(Op.SETSTAT, real, "changing the owner or group is not allowed");
    }
    Files.setAttribute(real, attribute, Modes.masked(name, value), options);
  }

  // ---- reading -------------------------------------------------------------------------------

  @Override
  public Path readSymbolicLink(Path link) throws IOException {
    Path real = real(link, false, Op.READ);
    Files.readSymbolicLink(real); // NotLinkException when it is not a link
    Path target = real(link, true, Op.READ);
    return ((RootedPath) link).getFileSystem().getPath(jail.view(target));
  }

  @Override
  public boolean isSameFile(Path path, Path path2) throws IOException {
    return Files.isSameFile(real(path, true, Op.READ), real(path2, true, Op.READ));
  }

  @Override
  public boolean isHidden(Path path) throws IOException {
    Path name = path.getFileName();
    return name != null && name.toString().startsWith(".");
  }

  @Override
  public FileStore getFileStore(Path path) throws IOException {
    return Files.getFileStore(real(path, true, Op.READ));
  }

  @Override
  public void checkAccess(Path path, AccessMode... modes) throws IOException {
    Path real = real(path, true, Op.READ);
    real.getFileSystem().provider().checkAccess(real, modes);
  }

  @Override
  public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
    try {
      Path real = real(path, follows(options), Op.READ);
      return ReadOnlyViews.wrap(type, Files.getFileAttributeView(real, type, options), jail.view(real));
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
      throws IOException {
    return Files.readAttributes(real(path, follows(options), Op.READ), type, options);
  }

  @Override
  public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
    return Files.readAttributes(real(path, follows(options), Op.READ), attributes, options);
  }

  private static boolean follows(LinkOption... options) {
    return !Arrays.asList(options).contains(LinkOption.NOFOLLOW_LINKS);
  }
}
