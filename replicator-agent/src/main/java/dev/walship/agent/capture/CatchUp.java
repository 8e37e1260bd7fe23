package dev.walship.agent.capture;

import dev.walship.format.wal.FrameHeader;
import dev.walship.format.wal.WalHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * The page-difference catch-up: continues a generation when the database moved on without capture
 * (the agent was down while the application wrote, checkpointed and restarted the WAL; or a restart
 * of the WAL that {@link Continuity} could not explain).
 *
 * <p>Design note. Under the write lock for a moment, capture's reader moves to the WAL's end
 * ({@link ReadMark#renew}): its snapshot is the database now, at frame P of the live WAL cycle H,
 * and H cannot restart while it is held. The lock is released; the rest runs beside the
 * application. The state T to catch up to is, preferably, the database file: after a checkpoint
 * copied frames 1..b of H (b = {@code nBackfill}, with no checkpoint begun beyond it), the file is
 * exactly the state after frame b, usually the state before H (b = 0). The wal-index is read again
 * after the file: if a checkpoint moved on meanwhile, the read is repeated, and after three tries T
 * is the reader's snapshot instead, read page by page from H's last frame of each page up to P, or
 * from the file (neither can change under the reader: a checkpoint writes only pages with frames up
 * to P). When every frame is in the file the reader may hold read-lock 0, which keeps every
 * checkpoint out of the file. Each page of T is hashed and compared with the {@link PageImage} of
 * the history's end; the pages that differ (and those past the image's end) are written as one
 * transaction, a WAL index of its own ({@link DiffIndex}), streamed: memory is the image, its copy
 * and, for the snapshot, 4 bytes per page; never the database.
 *
 * <p>The index after it is H from its first frame: frames after T's position are new; frames up to
 * it are replayed on top of T, which already holds each page's last version among them. Capture
 * publishes H's first frames at once, and shippers upload an index's bytes up to the published end
 * as one segment, so no restore stops inside such a prefix. What happened while capture did not see
 * the WAL (up to T) is one transaction in the history: a point-in-time restore inside that span
 * gives the state before it or after it.
 */
final class CatchUp {
  private static final int CHUNK = 1 << 20;
  private static final int FILE_ATTEMPTS = 3;

  /**
   * What the catch-up found and wrote.
   *
   * @param index the catch-up index, synced, or null when no page differed
   * @param image the page image of the state caught up to
   * @param cycle the live WAL cycle whose frames follow the catch-up, or null when none yet
   * @param changed pages the index carries
   * @param target which state was caught up to, for the log
   */
  record Result(ShadowIndex index, PageImage image, WalHeader cycle, int changed, String target) {}

  /** The reader's snapshot: the live cycle, its frames, its page count, the wal-index. */
  private record Snapshot(WalHeader cycle, int frames, int pages, WalIndex.State state) {}

  private final Sql sql;
  private final ReadMark mark;
  private final WalIndex walIndex;
  private final DatabaseFile db;
  private final Path wal;
  private final Clock clock;
  private final Duration wait;

  CatchUp(
      Sql sql,
      ReadMark mark,
      WalIndex walIndex,
      DatabaseFile db,
      Path wal,
      Clock clock,
      Duration wait) {
    this.sql = sql;
    this.mark = mark;
    this.walIndex = walIndex;
    this.db = db;
    this.wal = wal;
    this.clock = clock;
    this.wait = wait;
  }

  /**
   * Compares the database with {@code image} and writes the difference to {@code file}.
   *
   * @param at where the image stands: the current shadow index's header and length (null when the
   *     index has not begun); in that same WAL cycle the state caught up to is never older
   * @return null when the write lock stayed busy (try again later)
   */
  Result run(PageImage image, ShadowIndex at, Path file, RandomGenerator random)
      throws IOException, SQLException {
    Snapshot s = snapshot();
    if (s == null) {
      return null;
    }
    long floor =
        at != null && s.cycle() != null && at.header().sameSalts(s.cycle())
            ? (at.length() - WalHeader.SIZE) / at.header().frameSize()
            : 0;
    WalHeader h =
        WalHeader.create(
            s.cycle() != null && s.cycle().bigEndianChecksums(),
            image.pageSize(),
            0,
            random.nextInt(),
            random.nextInt());
    for (int attempt = 0; attempt < FILE_ATTEMPTS; attempt++) {
      Result r = toFile(image, file, h, s, floor);
      if (r != null) {
        return r;
      }
    }
    return toSnapshot(image, file, h, s);
  }

  /** Moves the reader to the WAL's end under the write lock; null when the lock stayed busy. */
  private Snapshot snapshot() throws IOException, SQLException {
    Connection w1 = sql.writer1();
    if (!sql.beginImmediate(w1, wait)) {
      return null;
    }
    try {
      WalIndex.State st = mark.renew();
      WalHeader h = LiveWal.header(wal);
      boolean same = h != null && h.salt1() == st.salt1() && h.salt2() == st.salt2();
      if (st.mxFrame() > 0 && !same) {
        throw new IOException(wal + ": its header " + h + " is not the cycle the wal-index names");
      }
      return new Snapshot(same ? h : null, st.mxFrame(), Math.toIntExact(mark.pageCount()), st);
    } finally {
      sql.rollbackQuietly(w1);
    }
  }

  /**
   * The difference to the database file's state; null when a checkpoint moved it meanwhile, or when
   * it is older than frame {@code floor} of the cycle.
   */
  private Result toFile(PageImage image, Path file, WalHeader h, Snapshot s, long floor)
      throws IOException {
    WalIndex.State before = walIndex.read();
    int pages =
        before.fileAtBackfill() && sameCycle(before, s) && before.nBackfill() >= floor
            ? filePages(s, before, image.pageSize())
            : -1;
    if (pages < 0) {
      return null;
    }
    PageImage now = image.copy();
    try (DiffIndex out = DiffIndex.create(file, h)) {
      byte[] page1 = compare(image, now, pages, null, null, out);
      WalIndex.State after = walIndex.read();
      if (!sameCycle(after, s)
          || after.nBackfill() != before.nBackfill()
          || !after.fileAtBackfill()) {
        return null;
      }
      return finish(
          out,
          image,
          now,
          pages,
          page1,
          s,
          "the database file (frame " + before.nBackfill() + " of " + s.frames() + " in the WAL)");
    }
  }

  /** The state the database file holds, in pages: the state after frame {@code st.nBackfill()}. */
  private int filePages(Snapshot s, WalIndex.State st, int pageSize) throws IOException {
    int b = st.nBackfill();
    if (b == s.frames()) {
      return s.pages();
    }
    if (b > 0) {
      byte[] fh = new byte[WalHeader.FRAME_HEADER_SIZE];
      try (FileChannel ch = LiveWal.open(wal)) {
        readFrame(ch, s.cycle(), b, fh);
      }
      int size = FrameHeader.parse(fh, 0).commitSize();
      return size > 0 ? size : -1;
    }
    long size = db.size();
    return size % pageSize == 0 ? Math.toIntExact(size / pageSize) : -1;
  }

  private static boolean sameCycle(WalIndex.State st, Snapshot s) {
    return st.salt1() == s.state().salt1() && st.salt2() == s.state().salt2();
  }

  /** The difference to the reader's snapshot: H's frames up to P over the database file. */
  private Result toSnapshot(PageImage image, Path file, WalHeader h, Snapshot s)
      throws IOException {
    boolean fileOnly = s.state().fullyCheckpointed();
    int[] frameOf = fileOnly ? null : frameOfPage(s);
    PageImage now = image.copy();
    try (DiffIndex out = DiffIndex.create(file, h);
        FileChannel walCh = fileOnly ? null : LiveWal.open(wal)) {
      byte[] page1 =
          compare(
              image,
              now,
              s.pages(),
              frameOf,
              walCh == null ? null : new WalPages(walCh, s.cycle()),
              out);
      return finish(
          out, image, now, s.pages(), page1, s, "the WAL's end (frame " + s.frames() + ")");
    }
  }

  private Result finish(
      DiffIndex out,
      PageImage image,
      PageImage now,
      int pages,
      byte[] page1,
      Snapshot s,
      String target)
      throws IOException {
    now.commit(pages);
    if (out.pages() == 0 && pages == image.pageCount()) {
      return new Result(null, now, s.cycle(), 0, target);
    }
    int changed = out.pages();
    return new Result(out.commit(pages, page1, clock.millis()), now, s.cycle(), changed, target);
  }

  /** For each page of the snapshot, its last frame at or before the snapshot's end (0: none). */
  private int[] frameOfPage(Snapshot s) throws IOException {
    int[] of = new int[s.pages() + 1];
    byte[] fh = new byte[WalHeader.FRAME_HEADER_SIZE];
    try (FileChannel ch = LiveWal.open(wal)) {
      for (int n = 1; n <= s.frames(); n++) {
        readFrame(ch, s.cycle(), n, fh);
        int pgno = FrameHeader.parse(fh, 0).pageNumber();
        if (pgno <= s.pages()) {
          of[pgno] = n;
        }
      }
    }
    return of;
  }

  /**
   * Reads pages 1..{@code pages} (from the WAL frame {@code frameOf} names, else the database
   * file), records each hash in {@code now}, and adds the pages that differ from {@code image}.
   *
   * @return page 1
   */
  private byte[] compare(
      PageImage image, PageImage now, int pages, int[] frameOf, WalPages walPages, DiffIndex out)
      throws IOException {
    int pageSize = image.pageSize();
    FilePages file = new FilePages(pageSize, pages);
    byte[] page1 = new byte[pageSize];
    for (int p = 1; p <= pages; p++) {
      boolean inWal = frameOf != null && frameOf[p] != 0;
      byte[] b = inWal ? walPages.page(frameOf[p]) : file.page(p);
      int off = inWal ? WalHeader.FRAME_HEADER_SIZE : file.offset(p);
      long hash = PageImage.hash(b, off, pageSize);
      now.set(p, hash);
      if (p == 1) {
        System.arraycopy(b, off, page1, 0, pageSize);
      }
      if (p > image.pageCount() || hash != image.get(p)) {
        out.page(p, b, off);
      }
    }
    return page1;
  }

  /** Reads {@code b.length} bytes of frame {@code n} of {@code cycle} and checks its salts. */
  private void readFrame(FileChannel ch, WalHeader cycle, int n, byte[] b) throws IOException {
    if (ch == null || FrameRun.readFully(ch, ByteBuffer.wrap(b), cycle.frameOffset(n)) < b.length) {
      throw new IOException(wal + " lost frame " + n + " under the catch-up's read transaction");
    }
    FrameHeader f = FrameHeader.parse(b, 0);
    if (f.salt1() != cycle.salt1() || f.salt2() != cycle.salt2()) {
      throw new IOException(
          wal + ": frame " + n + " changed under the catch-up's read transaction");
    }
  }

  /** Whole frames of the live WAL, one at a time. */
  private final class WalPages {
    final FileChannel ch;
    final WalHeader cycle;
    final byte[] frame;

    WalPages(FileChannel ch, WalHeader cycle) {
      this.ch = ch;
      this.cycle = cycle;
      this.frame = new byte[cycle.frameSize()];
    }

    byte[] page(int n) throws IOException {
      readFrame(ch, cycle, n, frame);
      return frame;
    }
  }

  /** The database file in chunks of 1 MiB. */
  private final class FilePages {
    final int pageSize;
    final int pages;
    final ByteBuffer chunk;
    long first = Long.MAX_VALUE;
    int count;

    FilePages(int pageSize, int pages) {
      this.pageSize = pageSize;
      this.pages = pages;
      this.chunk = ByteBuffer.allocate(Math.max(1, CHUNK / pageSize) * pageSize);
    }

    byte[] page(int p) throws IOException {
      if (p < first || p >= first + count) {
        int n = Math.min(chunk.capacity() / pageSize, pages - p + 1);
        chunk.clear().limit(n * pageSize);
        count = db.read(chunk, (long) (p - 1) * pageSize) / pageSize;
        first = p;
      }
      if (p >= first + count) {
        throw new IOException(
            db.path()
                + " holds "
                + db.size()
                + " bytes; the database has "
                + pages
                + " pages of "
                + pageSize
                + " and page "
                + p
                + " is in neither the file nor"
                + " the WAL");
      }
      return chunk.array();
    }

    int offset(int p) {
      return (int) (p - first) * pageSize;
    }
  }
}
