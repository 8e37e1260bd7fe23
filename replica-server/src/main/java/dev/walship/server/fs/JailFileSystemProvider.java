package dev.walship.server.fs;

import dev.walship.server.content.ContentValidator;
import java.io.IOException;
import java.io.InputStream;
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
 * symbolic links where the operation would), (3) for any change, asks the {@link WritePolicy} and
 * the {@link Immutability} rule, (4) acts on the real host path, creating files and directories
 * with {@link Modes}. A refusal is audited once, with the user, and thrown as {@link
 * PolicyDeniedException}. Links and server-side copies are never made. Writes are staged ({@link
 * Staging}); renames and removals go through the {@link Publisher}.
 */
final class JailFileSystemProvider extends RootedFileSystemProvider {
  private final UserSpace space;
  private final Jail jail;
  private final Audit audit;
  private final Publisher publisher;
  private final OpenUploads uploads = new OpenUploads();

  JailFileSystemProvider(UserSpace space, ContentValidator validator, Audit audit) {
    this.space = space;
    this.jail = space.jail;
    this.audit = audit;
    this.publisher = new Publisher(space, validator, audit);
  }

  UserSpace space() {
    return space;
  }

  Jail jail() {
    return jail;
  }

  Audit audit() {
    return audit;
  }

  Publisher publisher() {
    return publisher;
  }

  /** The uploads this session has open. */
  OpenUploads uploads() {
    return uploads;
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
    return real(names(path), followFinal, op);
  }

  /** The real host path of the view's {@code names}; a refusal is logged as {@code op}. */
  Path real(List<String> names, boolean followFinal, Op op) throws IOException {
    try {
      return jail.resolve(names, followFinal);
    } catch (PolicyDeniedException e) {
      audit.denied(op, e.getFile(), e.getReason());
      throw e;
    }
  }

  /** Throws (and logs) when {@code reason} is not null. */
  void allow(Op op, Path real, String reason) throws PolicyDeniedException {
    publisher.allow(op, real, reason);
  }

  /** The real host path to open with {@code options}, after the policy allowed it. */
  Path openable(Path path, Set<? extends OpenOption> options) throws IOException {
    boolean write =
        options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
    Path real =
        real(path, !options.contains(LinkOption.NOFOLLOW_LINKS), write ? Op.WRITE : Op.READ);
    if (write) {
      allow(Op.WRITE, real, space.policy.openForWrite(real));
    }
    return real;
  }

  // ---- opening -------------------------------------------------------------------------------

  /** Files open for reading only: every write goes through a handle's {@link Staging}. */
  private Path readable(Path path, Set<? extends OpenOption> options) throws IOException {
    if (options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND)) {
      Path real = real(path, false, Op.WRITE);
      allow(Op.WRITE, real, "writes go through an SFTP handle");
    }
    return openable(path, options);
  }

  @Override
  public SeekableByteChannel newByteChannel(
      Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    return Files.newByteChannel(readable(path, options), options);
  }

  @Override
  public FileChannel newFileChannel(
      Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    return FileChannel.open(readable(path, options), options);
  }

  @Override
  public AsynchronousFileChannel newAsynchronousFileChannel(
      Path path,
      Set<? extends OpenOption> options,
      ExecutorService executor,
      FileAttribute<?>... attrs)
      throws IOException {
    return AsynchronousFileChannel.open(readable(path, options), options, executor);
  }

  @Override
  public InputStream newInputStream(Path path, OpenOption... options) throws IOException {
    Set<OpenOption> opts = new HashSet<>(Arrays.asList(options));
    return Channels.newInputStream(newByteChannel(path, opts));
  }

  @Override
  public DirectoryStream<Path> newDirectoryStream(
      Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
    Path real = real(dir, true, Op.READ);
    RootedPath view = ((RootedPath) dir).toAbsolutePath().normalize();
    return new JailDirectoryStream(view, Files.newDirectoryStream(real), filter);
  }

  // ---- changing ------------------------------------------------------------------------------

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
    Path real = real(dir, false, Op.MKDIR);
    allow(Op.MKDIR, real, space.policy.createDirectory(real));
    try {
      Files.createDirectory(real, Modes.directory(attrs));
    } catch (FileAlreadyExistsException | NoSuchFileException e) {
      throw e;
    } catch (IOException e) {
      throw space.disk.failed(e, real.getParent(), real);
    }
  }

  @Override
  public void delete(Path path) throws IOException {
    publisher.remove(real(path, false, Op.REMOVE));
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
    publisher.rename(real(source, false, Op.RENAME), real(target, false, Op.RENAME), options);
  }

  @Override
  public void copy(Path source, Path target, CopyOption... options) throws IOException {
    Path real = real(target, false, Op.COPY);
    allow(Op.COPY, real, "copying on the server is not offered");
  }

  @Override
  public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs)
      throws IOException {
    Path real = real(link, false, Op.LINK);
    allow(Op.LINK, real, "links cannot be created");
  }

  @Override
  public void createLink(Path link, Path existing) throws IOException {
    Path real = real(link, false, Op.LINK);
    allow(Op.LINK, real, "links cannot be created");
  }

  @Override
  public void setAttribute(Path path, String attribute, Object value, LinkOption... options)
      throws IOException {
    Path real = real(path, follows(options), Op.SETSTAT);
    allow(Op.SETSTAT, real, space.policy.modify(real));
    if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
      String locked = space.immutability.lockedReason(real);
      allow(Op.SETSTAT, real, locked == null ? null : "immutable: " + locked);
    }
    setAttributeReal(real, attribute, value, options);
  }

  /**
   * Sets an attribute of a host path the policy already allowed: no owner changes, masked modes.
   */
  void setAttributeReal(Path real, String attribute, Object value, LinkOption... options)
      throws IOException {
    String name = attribute.substring(attribute.indexOf(':') + 1);
    if (Set.of("owner", "group", "uid", "gid").contains(name)) {
      allow(Op.SETSTAT, real, "changing the owner or group is not allowed");
    }
    if (name.equals("size")) {
      allow(Op.SETSTAT, real, "the size of a file changes only through a handle open for writing");
    }
    boolean directory = Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(real, attribute, Modes.masked(name, value, directory), options);
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

  /**
   * What reading {@code path}'s attributes looks at: the temporary file of an upload this session
   * has open under that name (its creator sees a file being written, as on any file system), else
   * the real host path.
   */
  private Path inspected(Path path, boolean followFinal) throws IOException {
    GuardedChannel open = uploads.current(names(path));
    return open != null ? open.upload().temporary() : real(path, followFinal, Op.READ);
  }

  @Override
  public void checkAccess(Path path, AccessMode... modes) throws IOException {
    Path real = inspected(path, true);
    real.getFileSystem().provider().checkAccess(real, modes);
  }

  @Override
  public <V extends FileAttributeView> V getFileAttributeView(
      Path path, Class<V> type, LinkOption... options) {
    try {
      Path real = inspected(path, follows(options));
      return ReadOnlyViews.wrap(
          type,
          Files.getFileAttributeView(real, type, options),
          ((RootedPath) path).toAbsolutePath().normalize().toString());
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public <A extends BasicFileAttributes> A readAttributes(
      Path path, Class<A> type, LinkOption... options) throws IOException {
    return Files.readAttributes(inspected(path, follows(options)), type, options);
  }

  @Override
  public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
      throws IOException {
    return Files.readAttributes(inspected(path, follows(options)), attributes, options);
  }

  private static boolean follows(LinkOption... options) {
    return !Arrays.asList(options).contains(LinkOption.NOFOLLOW_LINKS);
  }
}
