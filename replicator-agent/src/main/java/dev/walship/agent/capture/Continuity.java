package dev.walship.agent.capture;

import dev.walship.format.wal.WalHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The proof that the database still continues the captured history, run when capture starts and
 * whenever the WAL changed in a way capture did not cause. Nothing is assumed from mtimes, sizes or
 * SQLite's checkpoint sequence: the database file is hashed page by page and compared with the
 * {@link PageImage} of the history's end.
 *
 * <p>Design note. <b>Same cycle</b> (the WAL still has the salts of the current shadow index and
 * its first bytes are the shadow's): pages that no committed WAL frame holds are read from the
 * database file, so each such page must hash as in the image. A checkpoint only writes pages that
 * some committed frame holds, and the WAL is read <em>after</em> the file, so concurrent
 * checkpoints cannot produce a false verdict. <b>Another cycle</b> (the WAL restarted, was deleted,
 * or is empty): the state at the start of that cycle must equal the image. That state is the
 * database file minus what checkpoints already copied from the new cycle; capture proves that
 * nothing was copied yet by a witness: page P of the cycle's first frame, read last, differs from
 * every copy of P in the cycle (any checkpoint covering frame 1 writes one of those copies). Then
 * the file is that state, and it must hash as the image. Anything else is a loss of continuity.
 * Commits whose net effect on every page was nil are invisible to this proof; every point the
 * history restores to is still a state the database was in.
 *
 * <p>When the proof fails, the verdict says whether the history itself can still be trusted. The
 * database having moved on without capture (written, checkpointed and restarted while capture was
 * down, or a restart the proof cannot explain) leaves the history intact: {@link Moved}, and a
 * {@link CatchUp} continues it. A WAL cycle that lost frames the history holds (shorter than the
 * shadow, or different bytes where the shadow has them) means the database went back behind the
 * history, as after an operating-system crash that lost the WAL's tail: {@link Lost}. So does a
 * page size that differs from the history's.
 */
final class Continuity {
  private static final int ATTEMPTS = 5;

  /** The verdict. */
  sealed interface Outcome permits Same, Next, Moved, Lost {}

  /** The WAL is the current shadow index's cycle and the database matches: carry on. */
  record Same() implements Outcome {}

  /**
   * The WAL holds another cycle (or none) that starts from the image's state: it is the next index.
   *
   * @param cycle that cycle's header; null when the WAL has none yet
   */
  record Next(WalHeader cycle) implements Outcome {}

  /** The database moved on from the history's end without capture; the history is intact. */
  record Moved(String reason) implements Outcome {}

  /** The history cannot be continued. */
  record Lost(String reason) implements Outcome {}

  private Continuity() {}

  /**
   * Checks the database and its WAL against {@code image}, the state at the end of {@code shadow}
   * (null: no index begun in the current generation).
   */
  static Outcome check(DatabaseFile db, Path wal, PageImage image, ShadowIndex shadow)
      throws IOException {
    int filePageSize = pageSizeOf(db);
    if (filePageSize != image.pageSize()) {
      return new Lost(
          "the database file's page size is "
              + filePageSize
              + ", the captured history's "
              + image.pageSize());
    }
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      WalHeader h = LiveWal.header(wal);
      Outcome o =
          shadow != null && h != null && h.sameSalts(shadow.header())
              ? sameCycle(db, wal, image, shadow, h)
              : nextCycle(db, wal, image, h);
      if (o != null) {
        return o;
      }
    }
    return new Moved(
        "the WAL kept restarting while capture compared the database with its history");
  }

  private static Outcome sameCycle(
      DatabaseFile db, Path wal, PageImage image, ShadowIndex shadow, WalHeader h)
      throws IOException {
    long x = shadow.length();
    try (FileChannel ch = LiveWal.open(wal)) {
      if (ch == null || ch.size() < x) {
        return new Lost(
            "the WAL holds "
                + (ch == null ? 0 : ch.size())
                + " bytes, fewer than the "
                + x
                + " captured from it: it was truncated behind capture's back");
      }
      long diff = firstDifference(ch, shadow, x);
      if (diff >= 0) {
        return new Lost(
            "byte "
                + diff
                + " of the WAL differs from the captured copy: the WAL was "
                + "overwritten behind capture's back");
      }
    }
    PageImage file = PageImage.ofFile(db, image.pageSize());
    FrameRun.Result run;
    try (FileChannel ch = LiveWal.open(wal)) {
      if (!LiveWal.sameCycle(h, LiveWal.header(ch))) {
        return null;
      }
      run = FrameRun.fromStart(ch, h, null);
    }
    Set<Integer> inWal = pages(run);
    for (int p = 1; p <= run.dbPages(); p++) {
      if (!inWal.contains(p)
          && (file.get(p) != image.get(p) || image.get(p) == PageImage.UNKNOWN)) {
        return new Moved(
            "page "
                + p
                + " of the database file is not what the captured history says"
                + " (the file was replaced or written without the WAL)");
      }
    }
    return new Same();
  }

  private static Outcome nextCycle(DatabaseFile db, Path wal, PageImage image, WalHeader h)
      throws IOException {
    FrameRun.Result first = committed(wal, h);
    PageImage file = PageImage.ofFile(db, image.pageSize());
    int witness = first == null || first.frames() == 0 ? 0 : (int) first.updates()[0];
    long witnessHash = witness == 0 ? 0 : pageHash(db, witness, image.pageSize());
    WalHeader h2 = LiveWal.header(wal);
    if (!LiveWal.sameCycle(h, h2)) {
      return null;
    }
    FrameRun.Result run = committed(wal, h2);
    if (witness == 0 && run != null && run.frames() > 0) {
      return null;
    }
    if (file.pageCount() != image.pageCount() || db.size() % image.pageSize() != 0) {
      return new Moved(
          "the database file has "
              + db.size()
              + " bytes, the captured history "
              + image.pageCount()
              + " pages of "
              + image.pageSize());
    }
    int p = image.firstDifference(file);
    if (p != 0) {
      return new Moved(
          "page "
              + p
              + " of the database file is not what the captured history says:"
              + " it was written while capture did not see the WAL");
    }
    if (witness != 0 && !untouched(run, witness, witnessHash, file)) {
      return new Moved(
          "the WAL restarted behind capture's back and some of its frames may already"
              + " be in the database file; capture cannot prove the state the new WAL starts from");
    }
    return new Next(h2);
  }

  /** The witness page was not written by any checkpoint of the cycle {@code run}. */
  private static boolean untouched(FrameRun.Result run, int witness, long hash, PageImage file) {
    if (witness > file.pageCount() || file.get(witness) != hash) {
      return false;
    }
    long[] u = run.updates();
    if (u[0] != witness) {
      return false;
    }
    for (int i = 0; i < u.length; i += 2) {
      if (u[i] == witness && u[i + 1] == hash) {
        return false;
      }
    }
    return true;
  }

  private static FrameRun.Result committed(Path wal, WalHeader h) throws IOException {
    if (h == null) {
      return null;
    }
    try (FileChannel ch = LiveWal.open(wal)) {
      return ch == null ? null : FrameRun.fromStart(ch, h, null);
    }
  }

  /** The page size in the database header (bytes 16-17; 1 means 65536), 0 when unreadable. */
  static int pageSizeOf(DatabaseFile db) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(2);
    if (db.read(b, 16) < 2) {
      return 0;
    }
    int v = b.getShort(0) & 0xffff;
    return v == 1 ? 65536 : v;
  }

  static long pageHash(DatabaseFile db, int pgno, int pageSize) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(pageSize);
    if (db.read(b, (long) (pgno - 1) * pageSize) < pageSize) {
      return PageImage.UNKNOWN;
    }
    return PageImage.hash(b.array(), 0, pageSize);
  }

  private static Set<Integer> pages(FrameRun.Result run) {
    Set<Integer> s = new HashSet<>();
    long[] u = run.updates();
    for (int i = 0; i < u.length; i += 2) {
      s.add((int) u[i]);
    }
    return s;
  }

  /** The first offset below {@code length} where the WAL and the shadow differ, or -1. */
  private static long firstDifference(FileChannel wal, ShadowIndex shadow, long length)
      throws IOException {
    byte[] a = new byte[1 << 20];
    byte[] b = new byte[a.length];
    for (long off = 0; off < length; off += a.length) {
      int n = (int) Math.min(a.length, length - off);
      FrameRun.readFully(wal, ByteBuffer.wrap(a, 0, n), off);
      shadow.read(ByteBuffer.wrap(b, 0, n), off);
      int i = Arrays.mismatch(a, 0, n, b, 0, n);
      if (i >= 0) {
        return off + i;
      }
    }
    return -1;
  }
}
