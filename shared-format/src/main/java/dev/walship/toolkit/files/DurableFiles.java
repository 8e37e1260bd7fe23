package dev.walship.toolkit.files;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Set;

/**
 * Local files that survive a crash of the process or the machine: the one implementation of "write
 * a temporary file, fsync it, rename it over the final name, fsync the directory" (the replica
 * layout's rule, the agent's meta directory, the server's host key), and of the two fsyncs it is
 * made of, for code that must do something between them (the server validates an upload before it
 * renames it).
 *
 * <p>Design note: a rename is durable only once its directory is; a file's bytes only once the file
 * is. A reader, or the next start after a crash, sees the old file or the whole new one, never a
 * part, and a temporary file is removed when writing it fails.
 */
public final class DurableFiles {
  private static final int BUFFER = 1 << 16;
  private static final Set<OpenOption> CREATE =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

  /** Bytes written to a stream; the stream is buffered and closed by the caller of this. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private DurableFiles() {}

  /**
   * Writes {@code file} through {@code temp} (a name in the same directory that readers skip):
   * content, fsync, rename over {@code file}, fsync the directory.
   *
   * @param attributes of the temporary file when it is created (e.g. POSIX permissions)
   */
  public static void write(Path file, Path temp, Content content, FileAttribute<?>... attributes)
      throws IOException {
    write(file, temp, null, content, attributes);
  }

  /**
   * {@link #write(Path, Path, Content, FileAttribute[])}, with {@code mtime} set before the rename.
   */
  public static void write(Path file, Path temp, Instant mtime, Content content)
      throws IOException {
    write(file, temp, mtime, content, new FileAttribute<?>[0]);
  }

  private static void write(
      Path file, Path temp, Instant mtime, Content content, FileAttribute<?>[] attributes)
      throws IOException {
    Files.deleteIfExists(temp);
    try {
      try (FileChannel ch = FileChannel.open(temp, CREATE, attributes)) {
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), BUFFER);
        content.writeTo(out);
        out.flush();
        ch.force(true);
      }
      if (mtime != null) {
        Files.setLastModifiedTime(temp, FileTime.from(mtime));
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    syncDirectory(file.getParent());
  }

  /** Makes {@code file}'s content durable. */
  public static void sync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /** Makes the entries of {@code dir} (files created, renamed, deleted in it) durable. */
  public static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
