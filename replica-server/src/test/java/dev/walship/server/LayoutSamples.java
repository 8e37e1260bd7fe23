package dev.walship.server;

import dev.walship.format.lz4.Lz4;
import dev.walship.testing.Proc;
import dev.walship.testing.TestTools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * Real layout content for tests: a SQLite database and its WAL made by the real {@code sqlite3}
 * (with checkpoint-on-close off, so the WAL stays), cut into segments and LZ4-framed with the
 * layout's settings.
 *
 * @param database the main database file's bytes (a valid snapshot once compressed)
 * @param wal the WAL's bytes: a 32-byte header and whole frames
 * @param pageSize the page size
 */
public record LayoutSamples(byte[] database, byte[] wal, int pageSize) {
  /** A database with {@code rows} rows of 3000 random bytes, each its own transaction in the WAL, made in {@code dir}. */
  public static LayoutSamples make(Path dir, int rows) {
    try {
      Path db = Files.createDirectories(dir).resolve("sample.db");
      StringBuilder sql = new StringBuilder("PRAGMA journal_mode=WAL; CREATE TABLE t(x);");
      for (int i = 0; i < rows; i++) {
        sql.append("INSERT INTO t VALUES(randomblob(3000));");
      }
      Proc.run(Duration.ofSeconds(60), TestTools.onPath("sqlite3").toString(),
          "-cmd", ".dbconfig no_ckpt_on_close on", db.toString(), sql.toString()).orThrow();
      byte[] wal = Files.readAllBytes(Path.of(db + "-wal"));
      int pageSize = ((wal[8] & 0xff) << 24) | ((wal[9] & 0xff) << 16) | ((wal[10] & 0xff) << 8) | (wal[11] & 0xff);
      return new LayoutSamples(Files.readAllBytes(db), wal, pageSize);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
