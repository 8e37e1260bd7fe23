package dev.walship.server.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Staged uploads: every handle a client opens for writing writes into a private temporary file of
 * its own (a copy of the old file when the client does not truncate), and only closing the handle
 * publishes it, through {@link Publisher#publish}, under the name the client opened, resolved and
 * checked again at that moment. So a file anyone can see by a name is never open for writing: an
 * upload is atomic, and nothing that validated can change afterwards.
 */
final class Staging {
  private static final Set<StandardOpenOption> CREATION =
      EnumSet.of(
          StandardOpenOption.CREATE,
          StandardOpenOption.CREATE_NEW,
          StandardOpenOption.TRUNCATE_EXISTING);

  private Staging() {}

  /** Opens {@code file} (a path of the session's view) for writing, as a staged upload. */
  static GuardedChannel open(
      JailFileSystemProvider p,
      Path file,
      Set<? extends OpenOption> options,
      FileAttribute<?>... attrs)
      throws IOException {
    List<String> names = p.names(file);
    Path real = p.openable(file, options);
    String view = p.jail().view(real);
    boolean exists = existing(real, view, options);
    UserSpace space = p.space();
    Set<PosixFilePermission> mode =
        exists ? Modes.mask(Files.getPosixFilePermissions(real), false) : Modes.file(attrs);
    Path temp = space.temporaryFor(real);
    long counted = 0;
    try {
      if (exists && !options.contains(StandardOpenOption.TRUNCATE_EXISTING)) {
        long size = Files.size(real);
        space.usage.add(size);
        counted = size;
        Files.copy(real, temp);
        Files.setPosixFilePermissions(temp, Modes.PRIVATE.value());
      } else {
        Files.createFile(temp, Modes.PRIVATE);
      }
      Set<OpenOption> opts = new HashSet<>(options);
      opts.removeAll(CREATION);
      opts.remove(LinkOption.NOFOLLOW_LINKS);
      opts.add(StandardOpenOption.WRITE);
      StagedUpload upload =
          new StagedUpload(view, names, !options.contains(LinkOption.NOFOLLOW_LINKS), temp, real);
      return new GuardedChannel(
          FileChannel.open(temp, opts), upload, counted, mode, space.usage, space.disk);
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      space.usage.release(counted);
      throw space.disk.failed(e, temp.getParent(), real);
    } catch (RuntimeException e) {
      Files.deleteIfExists(temp);
      space.usage.release(counted);
      throw e;
    }
  }

  /** Whether {@code real} exists; throws as opening it with {@code options} would fail. */
  private static boolean existing(Path real, String view, Set<? extends OpenOption> options)
      throws IOException {
    boolean exists = Files.exists(real, LinkOption.NOFOLLOW_LINKS);
    if (exists && Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileSystemException(view, null, "is a directory");
    }
    if (exists && options.contains(StandardOpenOption.CREATE_NEW)) {
      throw new FileAlreadyExistsException(view);
    }
    boolean create =
        options.contains(StandardOpenOption.CREATE)
            || options.contains(StandardOpenOption.CREATE_NEW);
    if (!exists && (!create || !Files.isDirectory(real.getParent()))) {
      throw new NoSuchFileException(view);
    }
    return exists;
  }

  /**
   * Ends a staged upload: when the client closed the handle itself and every write succeeded,
   * publishes it; otherwise (a dropped connection, a failed write) discards it. Either way nothing
   * is left in the staging directory.
   */
  static void finish(JailFileSystemProvider p, GuardedChannel ch, boolean committed)
      throws IOException {
    StagedUpload u = ch.upload();
    UserSpace space = p.space();
    boolean published = false;
    try {
      if (!committed) {
        ch.close();
        p.audit().abandoned(u.view());
        return;
      }
      if (ch.failure() != null) {
        ch.close();
        p.audit().discarded(u.view(), ch.failure());
        throw StorageRefusal.discarded(ch.failure());
      }
      ch.force(true);
      ch.close();
      Files.setPosixFilePermissions(u.temporary(), ch.mode());
      Path target = p.real(u.names(), u.followFinal(), Op.WRITE);
      p.publisher().allow(Op.WRITE, target, space.policy.openForWrite(target));
      if (!Files.isDirectory(target.getParent())) {
        throw new NoSuchFileException(
            u.view(), null, "its directory was removed or renamed while the upload was open");
      }
      p.publisher().publish(Op.WRITE, u.temporary(), target, true);
      published = true;
      p.audit().uploaded(space.jail.view(target), ch.counted());
      space.disk.wrote(target.getParent());
    } finally {
      if (ch.isOpen()) {
        ch.close();
      }
      if (!published && Files.deleteIfExists(u.temporary())) {
        space.usage.release(ch.counted());
      }
    }
  }

  /**
   * What a size change by path (SETSTAT, or FSETSTAT on any handle) may truncate: only an upload
   * this session has open under that name. A published file never changes in place.
   */
  static SeekableByteChannel forSizeChange(JailFileSystemProvider p, Path file) throws IOException {
    GuardedChannel open = p.uploads().current(p.names(file));
    if (open == null) {
      Path real = p.real(file, true, Op.SETSTAT);
      p.publisher()
          .allow(
              Op.SETSTAT,
              real,
              "the size of a file changes only through a handle open for writing (nothing changes in place)");
    }
    return new SizeOnly(open);
  }

  /** Lends an open upload's truncate to MINA's size change, without letting it close the upload. */
  private record SizeOnly(GuardedChannel upload) implements SeekableByteChannel {
    @Override
    public SeekableByteChannel truncate(long size) throws IOException {
      upload.truncate(size);
      return this;
    }

    @Override
    public long size() throws IOException {
      return upload.size();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      throw new IOException("not readable");
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      throw new IOException("not writable");
    }

    @Override
    public long position() {
      return 0;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
      return this;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {
      // the upload's own handle closes it
    }
  }
}
