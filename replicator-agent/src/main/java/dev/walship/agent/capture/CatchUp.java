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
 * ({@link ReadMark#renew}): its snapshot S is the database now, at frame P of the WAL cycle H.
 * The lock is released; the rest runs beside the application. S is read page by page: a page with
 * a frame at or before P comes from its last such frame in the WAL, any other page from the database
 * file. Neither can change under the reader: it holds a read-mark slot, so H cannot restart, and a
 * checkpoint writes only pages that have frames at or before P. When every frame was already in
 * the file, the reader may hold read-lock 0 instead; then S is the file alone, and read-lock 0 keeps
 * every checkpoint out of it. Each page is hashed and compared with the {@link PageImage} of the
 * history's end; the pages that differ (and those past the image's end) are written as one
 * transaction, a WAL index of its own ({@link DiffIndex}), streamed: memory is the image, its copy
 * and 4 bytes per page, never the database.
 *
 * <p>The index after it is the live cycle H from its first frame: the frames up to P are replayed on
 * top of S, which already holds each page's last version among them, so every commit from P on gives
 * the state the database had. Capture publishes H's first frames up to at least P at once, and
 * shippers upload an index's bytes up to the published end as one segment, so no restore can stop
 * inside them. What happened while capture did not see the WAL is one transaction in the history:
 * a point-in-time restore inside that span gives the state before it or after it.
 */
final class CatchUp {
  private static final int CHUNK = 1 << 20;

  /**
   * What the catch-up found and wrote.
   *
   * @param index the catch-up index, synced, or null when no page differed
   * @param image the page image of the database now
   * @param cycle the live WAL cycle whose frames follow the catch-up, or null when none yet
   * @param changed pages the index carries
   */
  record Result(ShadowIndex index, PageImage image, WalHeader cycle, int changed) {}

  /** The state read: the cycle, its frames in the snapshot, whether all are in the file. */
  private record Snapshot(WalHeader cycle, int frames, boolean fileOnly, int pages) {}

  private final Sql sql;
  private final ReadMark mark;
  private final DatabaseFile db;
  private final Path wal;
  private final Clock clock;
  private final Duration wait;

  CatchUp(Sql sql, ReadMark mark, DatabaseFile db, Path wal, Clock clock, Duration wait) {
    this.sql = sql;
    this.mark = mark;
    this.db = db;
    this.wal = wal;
    this.clock = clock;
    this.wait = wait;
  }

  /**
   * Compares the database with {@code image} and writes the difference to {@code file}.
   *
   * @return null when the write lock stayed busy (try again later)
   */
  Result run(PageImage image, Path file, RandomGenerator random) throws IOException, SQLException {
    Snapshot s = snapshot();
    if (s == null) {
      return null;
    }
    int[] frameOf = s.fileOnly() ? null : frameOfPage(s);
    WalHeader h = WalHeader.create(s.cycle() == null ? false : s.cycle().bigEndianChecksums(),
        image.pageSize(), 0, random.nextInt(), random.nextInt());
    PageImage now = image.copy();
    try (DiffIndex out = DiffIndex.create(file, h);
        FileChannel walCh = frameOf == null ? null : LiveWal.open(wal)) {
      byte[] page1 = compare(image, now, s, frameOf, walCh, out);
      now.commit(s.pages());
      if (out.pages() == 0 && s.pages() == image.pageCount()) {
        return new Result(null, now, s.cycle(), 0);
      }
      int changed = out.pages();
      return new Result(out.commit(s.pages(), page1, clock.millis()), now, s.cycle(), changed);
    }
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
      return new Snapshot(same ? h : null, st.mxFrame(), st.fullyCheckpointed(),
          Math.toIntExact(mark.pageCount()));
    } finally {
      sql.rollbackQuietly(w1);
    }
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
   * Reads every page of the snapshot, records its hash in {@code now}, and adds the ones that
   * differ from {@code image} to {@code out}.
   *
   * @return page 1 of the snapshot
   */
  private byte[] compare(PageImage image, PageImage now, Snapshot s, int[] frameOf,
      FileChannel walCh, DiffIndex out) throws IOException {
    int pageSize = image.pageSize();
    Pages pages = new Pages(pageSize);
    byte[] page1 = new byte[pageSize];
    for (int p = 1; p <= s.pages(); p++) {
      if (frameOf != null && frameOf[p] != 0) {
        pages.fromWal(frameOf[p], walCh, s.cycle());
      } else {
        pages.fromFile(p, s.pages());
      }
      long hash = PageImage.hash(pages.bytes, pages.offset, pageSize);
      now.set(p, hash);
      if (p == 1) {
        System.arraycopy(pages.bytes, pages.offset, page1, 0, pageSize);
      }
      if (p > image.pageCount() || hash != image.get(p)) {
        out.page(p, pages.bytes, pages.offset);
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
      throw new IOException(wal + ": frame " + n + " changed under the catch-up's read transaction");
    }
  }

  /** Where the current page's bytes are: a chunk of the database file, or a WAL frame. */
  private final class Pages {
    final int pageSize;
    final ByteBuffer chunk;
    final byte[] frame;
    long chunkFirst = Long.MAX_VALUE;
    int chunkPages;
    byte[] bytes;
    int offset;

    Pages(int pageSize) {
      this.pageSize = pageSize;
      this.chunk = ByteBuffer.allocate(Math.max(1, CHUNK / pageSize) * pageSize);
      this.frame = new byte[WalHeader.FRAME_HEADER_SIZE + pageSize];
    }

    void fromWal(int n, FileChannel walCh, WalHeader cycle) throws IOException {
      readFrame(walCh, cycle, n, frame);
      bytes = frame;
      offset = WalHeader.FRAME_HEADER_SIZE;
    }

    void fromFile(int p, int pages) throws IOException {
      if (p < chunkFirst || p >= chunkFirst + chunkPages) {
        int n = Math.min(chunk.capacity() / pageSize, pages - p + 1);
        chunk.clear().limit(n * pageSize);
        chunkPages = db.read(chunk, (long) (p - 1) * pageSize) / pageSize;
        chunkFirst = p;
      }
      if (p >= chunkFirst + chunkPages) {
        throw new IOException(db.path() + " holds " + db.size() + " bytes; the database has "
            + pages + " pages of " + pageSize + " and page " + p + " is in neither the file nor"
            + " the WAL");
      }
      bytes = chunk.array();
      offset = (int) (p - chunkFirst) * pageSize;
    }
  }
}
