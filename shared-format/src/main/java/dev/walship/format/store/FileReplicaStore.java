package dev.walship.format.store;

import dev.walship.format.layout.Layout;
import dev.walship.format.layout.LayoutFile;
import dev.walship.toolkit.files.DurableFiles;
import dev.walship.toolkit.files.KeepOpen;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * A replica in a local directory ({@code file://} replicas), laid out exactly as Litestream
 * v0.3.13's file replica client lays it out. Writes go to {@code <name>.tmp}, are fsynced, get
 * their mtime, and are renamed over the final name; the directory is then fsynced so the rename
 * survives a crash.
 */
public final class FileReplicaStore implements ReplicaStore {
  private final Path root;

  /** A store rooted at {@code root}; the directory is created on the first write. */
  public FileReplicaStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** The replica root directory. */
  public Path root() {
    return root;
  }

  @Override
  public String location() {
    return "file://" + root;
  }

  @Override
  public boolean remote() {
    return false;
  }

  @Override
  public OptionalLong usableSpace() throws IOException {
    Path p = root;
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    return p == null
        ? OptionalLong.empty()
        : OptionalLong.of(Files.getFileStore(p).getUsableSpace());
  }

  @Override
  public List<Entry> list(String dir) throws IOException {
    Path d = resolve(dir);
    List<Entry> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(d)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
          continue; // deleted while listing
        }
        out.add(
            new Entry(
                p.getFileName().toString(),
                a.isDirectory(),
                a.size(),
                a.lastModifiedTime().toInstant()));
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      return List.of();
    }
    return out;
  }

  @Override
  public InputStream open(String path) throws IOException {
    return Files.newInputStream(resolve(path));
  }

  @Override
  public Entry write(LayoutFile file, Instant modified, ContentWriter content) throws IOException {
    Path target = resolve(file.path());
    Path temp = resolve(Layout.tempPath(file));
    Counted written = new Counted();
    DurableFiles.Content counted = out -> content.writeTo(written.over(KeepOpen.output(out)));
    try {
      DurableFiles.write(target, temp, modified, counted);
    } catch (NoSuchFileException e) {
      if (Files.isDirectory(target.getParent())) {
        throw e;
      }
      // the first file of its directory: created here, not checked before every write (a segment
      // is written every few milliseconds)
      Files.createDirectories(target.getParent());
      DurableFiles.write(target, temp, modified, counted);
    }
    return new Entry(file.fileName(), false, written.count, modified);
  }

  @Override
  public void delete(String path) throws IOException {
    try {
      Files.deleteIfExists(resolve(path));
    } catch (DirectoryNotEmptyException e) {
      throw new DirectoryNotEmptyException(location() + "/" + path);
    }
  }

  private Path resolve(String relative) {
    if (relative.startsWith("/") || List.of(relative.split("/")).contains("..")) {
      throw new IllegalArgumentException("not a relative replica path: " + relative);
    }
    return relative.isEmpty() ? root : root.resolve(relative);
  }

  @Override
  public String toString() {
    return location();
  }

  /** Counts the bytes written through the stream it made last (the size of the file written). */
  private static final class Counted {
    private long count;

    OutputStream over(OutputStream out) {
      count = 0;
      return new java.io.FilterOutputStream(out) {
        @Override
        public void write(int b) throws IOException {
          out.write(b);
          count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
          count += len;
        }
      };
    }
  }
}
