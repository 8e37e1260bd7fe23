package dev.walship.server.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.sshd.common.file.root.RootedPath;

/**
 * A host directory listing seen through the jail: each entry becomes {@code dir/name} in the user's
 * view, carrying its attributes ({@link ListedPath}); the server's hidden names are left out, and
 * so is an entry that vanished before its attributes could be read (an upload renamed into place, a
 * file removed): a listing never fails because the directory changed under it.
 */
final class JailDirectoryStream implements DirectoryStream<Path> {
  private final RootedPath viewDir;
  private final DirectoryStream<Path> host;
  private final Filter<? super Path> filter;

  JailDirectoryStream(RootedPath viewDir, DirectoryStream<Path> host, Filter<? super Path> filter) {
    this.viewDir = viewDir;
    this.host = host;
    this.filter = filter;
  }

  @Override
  public Iterator<Path> iterator() {
    Iterator<Path> it = host.iterator();
    return new Iterator<>() {
      private Path next;

      @Override
      public boolean hasNext() {
        while (next == null && it.hasNext()) {
          Path entry = it.next();
          String name = entry.getFileName().toString();
          if (HiddenNames.isHidden(name)) {
            continue;
          }
          try {
            Path candidate = ListedPath.of((RootedPath) viewDir.resolve(name), entry);
            if (filter == null || filter.accept(candidate)) {
              next = candidate;
            }
          } catch (NoSuchFileException vanished) {
            // renamed or removed since the directory was read: not part of this listing
          } catch (IOException e) {
            throw new DirectoryIteratorException(e);
          }
        }
        return next != null;
      }

      @Override
      public Path next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Path p = next;
        next = null;
        return p;
      }
    };
  }

  @Override
  public void close() throws IOException {
    try {
      host.close();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
