package dev.walship.server.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A host directory listing seen through the jail: each entry becomes {@code dir/name} in the
 * user's view, and the server's hidden names are left out.
 */
final class JailDirectoryStream implements DirectoryStream<Path> {
  private final Path viewDir;
  private final DirectoryStream<Path> host;
  private final Filter<? super Path> filter;

  JailDirectoryStream(Path viewDir, DirectoryStream<Path> host, Filter<? super Path> filter) {
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
          String name = it.next().getFileName().toString();
          if (HiddenNames.isHidden(name)) {
            continue;
          }
          Path candidate = viewDir.resolve(name);
          try {
            if (filter == null || filter.accept(candidate)) {
              next = candidate;
            }
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
