package dev.walship.agent.capture;

import dev.walship.format.wal.SqliteFiles;
import dev.walship.format.wal.WalFormatException;
import dev.walship.format.wal.WalHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The database's {@code -wal} file, read without SQLite. SQLite holds no lock on it, so capture
 * opens it for each look and closes it again (which also follows a WAL that was deleted and created
 * anew).
 */
final class LiveWal {
  private LiveWal() {}

  static Path pathOf(Path db) {
    return SqliteFiles.wal(db);
  }

  /** Opens the WAL for reading, or returns null when it does not exist. */
  static FileChannel open(Path wal) throws IOException {
    try {
      return FileChannel.open(wal, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** The WAL's header, or null when the file is missing, shorter than a header, or not a WAL. */
  static WalHeader header(FileChannel ch) throws IOException {
    if (ch == null) {
      return null;
    }
    byte[] b = new byte[WalHeader.SIZE];
    if (FrameRun.readFully(ch, ByteBuffer.wrap(b), 0) < b.length) {
      return null;
    }
    try {
      return WalHeader.parse(b, 0);
    } catch (WalFormatException e) {
      return null;
    }
  }

  static WalHeader header(Path wal) throws IOException {
    try (FileChannel ch = open(wal)) {
      return header(ch);
    }
  }

  static boolean sameCycle(WalHeader a, WalHeader b) {
    return a == null ? b == null : b != null && a.sameSalts(b);
  }
}
