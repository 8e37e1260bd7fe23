package dev.walship.server;

import dev.walship.format.lz4.Lz4;
import dev.walship.testing.Sqlite;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Real layout content for tests: a WAL written by SQLite ({@link Sqlite#writeWal}) cut into
 * segments, and its database file, LZ4-framed with the layout's settings.
 *
 * @param database the main database file's bytes (a valid snapshot once compressed)
 * @param wal the WAL's bytes: a 32-byte header and whole frames
 * @param pageSize the page size
 */
public record LayoutSamples(byte[] database, byte[] wal, int pageSize) {
  /**
   * A database with {@code rows} one-row transactions of 3000 random bytes, made in {@code dir}.
   */
  public static LayoutSamples make(Path dir, int rows) {
    try {
      Path db = Files.createDirectories(dir).resolve("sample.db");
      byte[] wal = Sqlite.writeWal(db, rows, 3000);
      int pageSize =
          ((wal[8] & 0xff) << 24)
              | ((wal[9] & 0xff) << 16)
              | ((wal[10] & 0xff) << 8)
              | (wal[11] & 0xff);
      return new LayoutSamples(Files.readAllBytes(db), wal, pageSize);
    } catch (Exception e) {
      throw new IllegalStateException("cannot make a sample database in " + dir, e);
    }
  }

  /** The WAL offset where frame {@code n} (from 0) starts. */
  public long frameOffset(int n) {
    return 32L + (long) n * (24 + pageSize);
  }

  /** Frames in the WAL. */
  public int frames() {
    return (int) ((wal.length - 32L) / (24 + pageSize));
  }

  /** WAL bytes {@code [from, to)}, LZ4-framed: a segment. */
  public byte[] segment(long from, long to) {
    return lz4(Arrays.copyOfRange(wal, (int) from, (int) to));
  }

  /** The database file LZ4-framed: a snapshot. */
  public byte[] snapshot() {
    return lz4(database);
  }

  public static byte[] lz4(byte[] raw) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (OutputStream z = Lz4.compressing(out)) {
        z.write(raw);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
