package dev.walship.agent.capture;

import dev.walship.format.layout.Generation;
import dev.walship.format.wal.WalChecksum;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;

/**
 * What the database must contain at a point of the captured history: a 64-bit hash of every page
 * and the page count. Capture keeps it current as it copies frames and saves it in the meta
 * directory; on a restart, hashing the database file and comparing proves that nothing was written
 * behind capture's back (a commit need not touch page 1, so no single page, header field or mtime
 * can prove that). Hashes are XXH64; 0 marks a page whose content is unknown. 8 bytes per page.
 */
final class PageImage {
  static final long UNKNOWN = 0;
  private static final XXHash64 XX = XXHashFactory.fastestInstance().hash64();
  private static final long SEED = 0x77616c73686970L;
  private static final byte[] MAGIC = "WSPIMG01".getBytes(StandardCharsets.US_ASCII);

  private final int pageSize;
  private long[] hashes;
  private int pageCount;

  PageImage(int pageSize) {
    this(pageSize, new long[0], 0);
  }

  private PageImage(int pageSize, long[] hashes, int pageCount) {
    this.pageSize = pageSize;
    this.hashes = hashes;
    this.pageCount = pageCount;
  }

  /** Where in the history an image stands, with what is needed to keep reading that index. */
  record Head(
      Generation generation, int index, long offset, int salt1, int salt2, WalChecksum checksum) {}

  /** An image read back from the meta directory. */
  record Saved(Head head, PageImage image) {}

  static long hash(byte[] b, int off, int len) {
    long h = XX.hash(b, off, len, SEED);
    return h == UNKNOWN ? 1 : h;
  }

  static long hash(ByteBuffer b, int off, int len) {
    long h = XX.hash(b, off, len, SEED);
    return h == UNKNOWN ? 1 : h;
  }

  int pageSize() {
    return pageSize;
  }

  int pageCount() {
    return pageCount;
  }

  /** The hash of page {@code pgno} (1-based), {@link #UNKNOWN} beyond the page count. */
  long get(int pgno) {
    return pgno >= 1 && pgno <= pageCount && pgno <= hashes.length ? hashes[pgno - 1] : UNKNOWN;
  }

  /** A frame wrote page {@code pgno}. */
  void set(int pgno, long hash) {
    if (pgno > hashes.length) {
      hashes = Arrays.copyOf(hashes, Math.max(pgno, hashes.length + hashes.length / 2 + 16));
    }
    hashes[pgno - 1] = hash;
  }

  /** A transaction committed with the database {@code pages} long; pages beyond are forgotten. */
  void commit(int pages) {
    if (pages < pageCount || pages < hashes.length) {
      Arrays.fill(hashes, Math.min(pages, hashes.length), hashes.length, UNKNOWN);
    }
    if (pages > hashes.length) {
      hashes = Arrays.copyOf(hashes, pages);
    }
    pageCount = pages;
  }

  PageImage copy() {
    return new PageImage(pageSize, hashes.clone(), pageCount);
  }

  /**
   * Hashes the database file page by page (the file's length decides the page count; a partial last
   * page is ignored). Reads through the shared handle.
   */
  static PageImage ofFile(DatabaseFile db, int pageSize) throws IOException {
    long size = db.size();
    int pages = (int) Math.min(Integer.MAX_VALUE, size / pageSize);
    PageImage img = new PageImage(pageSize, new long[pages], pages);
    int perChunk = Math.max(1, (1 << 20) / pageSize);
    ByteBuffer buf = ByteBuffer.allocateDirect(perChunk * pageSize);
    for (int first = 0; first < pages; first += perChunk) {
      int n = Math.min(perChunk, pages - first);
      buf.clear().limit(n * pageSize);
      int got = db.read(buf, (long) first * pageSize);
      int whole = got / pageSize;
      for (int i = 0; i < whole; i++) {
        img.hashes[first + i] = hash(buf, i * pageSize, pageSize);
      }
      if (whole < n) {
        img.pageCount = first + whole;
        img.hashes = Arrays.copyOf(img.hashes, img.pageCount);
        break;
      }
    }
    return img;
  }

  /** The first page (1-based) up to the page count whose content is unknown, 0 when none. */
  int firstUnknown() {
    for (int p = 1; p <= pageCount; p++) {
      if (get(p) == UNKNOWN) {
        return p;
      }
    }
    return 0;
  }

  /**
   * The first page (1-based) whose hash differs from {@code other}'s, 0 when none; counts must
   * match.
   */
  int firstDifference(PageImage other) {
    int n = Math.max(pageCount, other.pageCount);
    for (int p = 1; p <= n; p++) {
      if (get(p) != other.get(p) || get(p) == UNKNOWN) {
        return p;
      }
    }
    return 0;
  }

  void save(Path file, Head head) throws IOException {
    MetaDir.writeAtomically(
        file,
        raw -> {
          CheckedOutputStream checked = new CheckedOutputStream(raw, new CRC32C());
          DataOutputStream out = new DataOutputStream(checked);
          out.write(MAGIC);
          out.write(head.generation().name().getBytes(StandardCharsets.US_ASCII));
          out.writeInt(head.index());
          out.writeLong(head.offset());
          out.writeInt(head.salt1());
          out.writeInt(head.salt2());
          out.writeInt(head.checksum() == null ? 0 : head.checksum().s1());
          out.writeInt(head.checksum() == null ? 0 : head.checksum().s2());
          out.writeInt(pageSize);
          out.writeInt(pageCount);
          for (int i = 0; i < pageCount; i++) {
            out.writeLong(hashes[i]);
          }
          out.flush();
          out.writeInt((int) checked.getChecksum().getValue());
          out.flush();
        });
  }

  /**
   * @throws IOException naming the file and what is wrong with it
   */
  static Saved load(Path file) throws IOException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      CheckedInputStream checked = new CheckedInputStream(raw, new CRC32C());
      DataInputStream in = new DataInputStream(checked);
      byte[] magic = in.readNBytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new IOException(file + " is not a page image (bad magic)");
      }
      String gen = new String(in.readNBytes(16), StandardCharsets.US_ASCII);
      if (!Generation.isValid(gen)) {
        throw new IOException(file + " names generation '" + gen + "'");
      }
      Head head =
          new Head(
              Generation.parse(gen),
              in.readInt(),
              in.readLong(),
              in.readInt(),
              in.readInt(),
              new WalChecksum(in.readInt(), in.readInt()));
      int pageSize = in.readInt();
      int pageCount = in.readInt();
      if (pageCount < 0 || pageSize < 512) {
        throw new IOException(file + ": page size " + pageSize + ", page count " + pageCount);
      }
      long[] h = new long[pageCount];
      for (int i = 0; i < pageCount; i++) {
        h[i] = in.readLong();
      }
      int expected = (int) checked.getChecksum().getValue();
      int stored = new DataInputStream(raw).readInt();
      if (stored != expected) {
        throw new IOException(file + " is damaged (checksum mismatch)");
      }
      return new Saved(head, new PageImage(pageSize, h, pageCount));
    } catch (java.io.EOFException e) {
      throw new IOException(file + " is cut short", e);
    }
  }
}
