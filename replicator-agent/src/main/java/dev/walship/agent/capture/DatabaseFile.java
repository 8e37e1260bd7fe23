package dev.walship.agent.capture;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * A read handle on the main database file (or on its {@code -shm} file, see {@link WalIndex}) that
 * is never closed while the file is still at its path.
 *
 * <p>Design note. SQLite locks the database file with POSIX advisory locks, and POSIX drops every
 * lock a process holds on a file as soon as the process closes <em>any</em> descriptor of that
 * file. Capture reads the file itself (snapshots, the page image), so a read-open-close would
 * silently release the shared lock that this process's own SQLite connections (capture's, and the
 * application's when capture runs inside it) hold: another process could then believe it is the
 * last user, checkpoint and delete the WAL under them. Hence one descriptor per file per JVM,
 * shared and reference counted, and closed only once the file is no longer at its path (replaced or
 * deleted), never while it is still the database. The same holds for the {@code -shm} file, which
 * carries SQLite's read marks and write lock. The WAL file carries no SQLite locks and is opened
 * and closed freely.
 */
final class DatabaseFile implements AutoCloseable {
  private static final Map<Object, Shared> OPEN = new HashMap<>();

  private final Path path;
  private final Shared shared;
  private boolean closed;

  private DatabaseFile(Path path, Shared shared) {
    this.path = path;
    this.shared = shared;
  }

  /** Opens (or shares) the handle of the file now at {@code path}. */
  static DatabaseFile open(Path path) throws IOException {
    synchronized (OPEN) {
      sweep();
      Object key = fileKey(path);
      Shared s = OPEN.get(key);
      if (s == null) {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        if (!key.equals(fileKey(path))) {
          ch.close();
          throw new IOException(path + " was replaced while it was being opened");
        }
        s = new Shared(path, key, ch);
        OPEN.put(key, s);
      }
      s.refs++;
      return new DatabaseFile(path, s);
    }
  }

  /** Another reference to the same descriptor (for a snapshot that outlives this one). */
  DatabaseFile share() {
    synchronized (OPEN) {
      shared.refs++;
      return new DatabaseFile(path, shared);
    }
  }

  /** The identity (device and inode) of the file at {@code path}. */
  static Object fileKey(Path path) throws IOException {
    Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    return Objects.requireNonNull(key, "the file system gives no file identity for " + path);
  }

  /** True while {@code path} still names the file this handle reads. */
  boolean stillAtPath() {
    try {
      return shared.key.equals(fileKey(path));
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  Path path() {
    return path;
  }

  /** The identity (device and inode) of the file this handle reads. */
  String identity() {
    return shared.key.toString();
  }

  long size() throws IOException {
    return shared.channel.size();
  }

  /** Reads {@code dst.remaining()} bytes at {@code pos}, fewer only at the end of the file. */
  int read(ByteBuffer dst, long pos) throws IOException {
    int total = 0;
    while (dst.hasRemaining()) {
      int n = shared.channel.read(dst, pos + total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  /**
   * The bytes {@code [0, end)} of the file (fewer if it shrinks meanwhile); does not close the
   * handle.
   */
  InputStream stream(long end) {
    return new InputStream() {
      private long pos;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        if (pos >= end) {
          return -1;
        }
        int want = (int) Math.min(len, end - pos);
        int n = shared.channel.read(ByteBuffer.wrap(b, off, want), pos);
        if (n <= 0) {
          return -1;
        }
        pos += n;
        return n;
      }
    };
  }

  /** Releases this reference; the descriptor stays open while the file is still at its path. */
  @Override
  public void close() {
    synchronized (OPEN) {
      if (closed) {
        return;
      }
      closed = true;
      shared.refs--;
      sweep();
    }
  }

  /** Closes unreferenced descriptors of files that are no longer at their path. */
  private static void sweep() {
    for (Iterator<Shared> it = OPEN.values().iterator(); it.hasNext(); ) {
      Shared s = it.next();
      if (s.refs > 0) {
        continue;
      }
      boolean gone;
      try {
        gone = !s.key.equals(fileKey(s.path));
      } catch (IOException e) {
        gone = true;
      }
      if (gone) {
        try {
          s.channel.close();
        } catch (IOException ignored) {
          // nothing holds it any more
        }
        it.remove();
      }
    }
  }

  /** True when both read through one descriptor. */
  boolean sameDescriptor(DatabaseFile other) {
    return shared == other.shared;
  }

  /** For tests: how many descriptors the JVM-wide table holds. */
  static int openDescriptors() {
    synchronized (OPEN) {
      return OPEN.size();
    }
  }

  private static final class Shared {
    final Path path;
    final Object key;
    final FileChannel channel;
    int refs;

    Shared(Path path, Object key, FileChannel channel) {
      this.path = path;
      this.key = key;
      this.channel = channel;
    }
  }
}
