package dev.walship.agent.capture;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Layout;
import dev.walship.format.layout.Position;
import dev.walship.format.wal.WalHeader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The captured history of the current generation and the copying of WAL frames into it: which index
 * is current, its shadow file, the page image at the end, and how each new WAL cycle is classified.
 * Invariants (see also {@link Engine}): bytes are copied only up to a valid commit frame; a new
 * cycle becomes the next index only when it begins with capture's own write or was proven by {@link
 * Continuity}; anything else is reported as a {@link Discontinuity}.
 *
 * <p>Design note — what is durable when. Publishing moves the end without an fsync (see {@link
 * ShadowIndex}); {@link #makeDurable} syncs the current index. It runs (1) before capture lets the
 * WAL restart ({@link LockSteps}), so every finished index is durable before the live WAL loses its
 * frames ({@link #finishIndex} checks it again); (2) before the page image is saved, so an image
 * never names a position beyond the durable shadow; (3) for a snapshot lease and at a clean stop;
 * (4) at most {@link #SYNC_INTERVAL} after a publish. An operating-system crash can therefore lose
 * only a tail of the current index, never below the image's position, and only bytes the live WAL
 * still held (it cannot have restarted since they were copied). On the next start {@link
 * LocalState} cuts the index to its last valid commit frame and {@link Continuity} compares it with
 * the WAL: if the WAL still holds those bytes (it is a prefix), capture copies them again and the
 * generation continues; if SQLite lost them too and the application wrote other commits there, the
 * bytes differ or the WAL is shorter, and a new generation starts. A replica that received the lost
 * tail before the crash has segments the shadow does not continue: the shipper's tail check deletes
 * them (their checksum chain differs, or the shadow is shorter) and ships from the last segment
 * that chains, so every restorable point is a state the database had.
 */
final class History implements Tail {
  /** Longest time a published shadow tail stays without an fsync. */
  static final Duration SYNC_INTERVAL = Duration.ofSeconds(1);

  private final Path db;
  private final Path wal;
  private final MetaDir meta;
  private final Clock clock;
  private final Outbox out;

  private DatabaseFile dbFile;
  private int pageSize;

  private Generation gen;
  private int index;
  private ShadowIndex shadow;
  private PageImage image;
  private WalHeader previous;
  private WalHeader trusted;
  private byte[] lastFrame;
  private int page1Counter = -1;
  private int imageIndex;
  private long sinceImage;
  private boolean quiet;
  private Instant indexStartedAt;
  private long ownWriteEnd;

  History(Path db, MetaDir meta, Clock clock, Outbox out) {
    this.db = db;
    this.wal = LiveWal.pathOf(db);
    this.meta = meta;
    this.clock = clock;
    this.out = out;
  }

  /** The database file and page size to work with (after opening the database). */
  void attach(DatabaseFile file, int size) {
    this.dbFile = file;
    this.pageSize = size;
  }

  Generation generation() {
    return gen;
  }

  int index() {
    return index;
  }

  ShadowIndex shadow() {
    return shadow;
  }

  PageImage image() {
    return image;
  }

  int imageIndex() {
    return imageIndex;
  }

  Instant indexStartedAt() {
    return indexStartedAt;
  }

  long ownWriteEnd() {
    return ownWriteEnd;
  }

  @Override
  public Position end() {
    return gen == null ? null : new Position(gen, index, shadow == null ? 0 : shadow.length());
  }

  /**
   * Takes over what an earlier run left ({@link LocalState}). The end is published only once {@link
   * Continuity} verified it ({@link #publishEnd}): shippers never see an unverified end.
   */
  void adopt(LocalState st) throws IOException {
    gen = st.generation();
    index = st.index();
    shadow = st.shadow();
    image = st.image();
    previous = st.previous();
    imageIndex = st.imageIndex();
    trusted = null;
    indexStartedAt = clock.instant();
    lastFrame = null;
    page1Counter = -1;
    if (shadow != null) {
      FrameRun.Result all = FrameRun.fromStart(shadow.channel(), shadow.header(), null);
      lastFrame = all.lastFrame();
      page1Counter = all.page1Counter();
    }
  }

  /** {@link Continuity} proved that the WAL's cycle {@code cycle} (or the next one) continues. */
  void continueWith(WalHeader cycle) throws IOException {
    if (shadow != null) {
      finishIndex();
    }
    trusted = cycle;
  }

  // ---- copying

  @Override
  public int frameSize() {
    return WalHeader.FRAME_HEADER_SIZE + pageSize;
  }

  /** Copies committed frames; {@code expect} names a cycle capture's own write may have begun. */
  @Override
  public boolean capture(OwnWrite expect) throws IOException, Discontinuity {
    try (FileChannel ch = LiveWal.open(wal)) {
      WalHeader h = LiveWal.header(ch);
      if (shadow == null) {
        return awaiting(ch, h, expect);
      }
      if (h == null) {
        throw Discontinuity.unexplained(
            "the WAL is gone or has no header while index "
                + index
                + " holds "
                + shadow.length()
                + " captured bytes");
      }
      if (!h.sameSalts(shadow.header())) {
        if (expect != null && expect.began(h, ch)) {
          finishIndex();
          return startIndex(ch, h);
        }
        throw Discontinuity.unexplained(
            "the WAL restarted without capture (salt-1 "
                + Integer.toHexString(shadow.header().salt1())
                + " -> "
                + Integer.toHexString(h.salt1())
                + ")");
      }
      return append(ch, h);
    }
  }

  private boolean awaiting(FileChannel ch, WalHeader h, OwnWrite expect)
      throws IOException, Discontinuity {
    if (h == null) {
      return false;
    }
    if (trusted != null && h.sameSalts(trusted)) {
      return startIndex(ch, h);
    }
    if (previous != null && h.sameSalts(previous)) {
      return false;
    }
    if (FrameRun.lastCommitCandidate(ch, h, WalHeader.SIZE) == WalHeader.SIZE) {
      return false;
    }
    if (expect != null && expect.began(h, ch)) {
      return startIndex(ch, h);
    }
    throw Discontinuity.unexplained(
        "the WAL holds a cycle capture did not see begin (salt-1 "
            + Integer.toHexString(h.salt1())
            + ")");
  }

  private boolean append(FileChannel ch, WalHeader h) throws IOException, Discontinuity {
    long x = shadow.length();
    if (ch.size() < x) {
      throw Discontinuity.lost(
          "the WAL holds "
              + ch.size()
              + " bytes, fewer than the "
              + x
              + " captured from it: it was truncated behind capture's back");
    }
    if (lastFrame != null && !FrameRun.endsWith(ch, x, lastFrame)) {
      throw Discontinuity.lost(
          "the WAL's frame before offset "
              + x
              + " is not the one captured:"
              + " the WAL was overwritten behind capture's back");
    }
    FrameRun.Result run = FrameRun.read(ch, h, x, shadow.checksum(), shadow::write);
    if (run.frames() == 0) {
      shadow.discardTail();
      return false;
    }
    commit(run);
    return true;
  }

  private boolean startIndex(FileChannel ch, WalHeader h) throws IOException, Discontinuity {
    if (h.pageSize() != pageSize) {
      throw Discontinuity.lost(
          "the WAL's page size is " + h.pageSize() + ", the database's " + pageSize);
    }
    ShadowIndex.Copy copy = ShadowIndex.copy(meta.shadowWal(gen, index), ch, h);
    if (copy == null) {
      return false;
    }
    shadow = copy.index();
    trusted = null;
    page1Counter = -1;
    indexStartedAt = clock.instant();
    ownWriteEnd = 0;
    commit(copy.run());
    maybeSaveImage();
    return true;
  }

  /** Makes the run public (durable within {@link #SYNC_INTERVAL}), then part of the image. */
  private void commit(FrameRun.Result run) throws IOException {
    if (run.end() > Layout.MAX_OFFSET) {
      shadow.discardTail();
      throw new IOException(
          "WAL index "
              + index
              + " of "
              + db
              + " would exceed 4 GiB, the largest"
              + " offset the replica layout can name; application readers have kept SQLite from"
              + " restarting the WAL for too long");
    }
    long before = Math.max(shadow.length(), WalHeader.SIZE);
    shadow.publish(run.end(), run.checksum(), clock.millis());
    run.applyTo(image);
    if (run.page1Counter() >= 0) {
      page1Counter = run.page1Counter();
    }
    lastFrame = run.lastFrame();
    sinceImage += run.end() - before;
    publishEnd();
  }

  private void finishIndex() throws IOException {
    if (index >= Layout.MAX_INDEX) {
      throw new IOException("generation " + gen + " reached the largest WAL index");
    }
    shadow.sync(); // normally done before the restart already (LockSteps)
    previous = shadow.header();
    shadow.close();
    shadow = null;
    index++;
    page1Counter = -1;
    lastFrame = null;
    publishEnd();
  }

  /** Syncs the current index's published content (see the class comment). */
  @Override
  public void makeDurable() throws IOException {
    if (shadow != null) {
      shadow.sync();
    }
  }

  /** Syncs the current index when its oldest unsynced publish is {@link #SYNC_INTERVAL} old. */
  void syncIfDue() throws IOException {
    if (syncDue()) {
      shadow.sync();
    }
  }

  /** True when published bytes have waited long enough for their fsync. */
  boolean syncDue() {
    return shadow != null && shadow.syncDue(clock.millis(), SYNC_INTERVAL.toMillis());
  }

  /** Nanoseconds until {@link #syncDue} (0: now; {@link Long#MAX_VALUE}: nothing to sync). */
  long untilSyncDue() {
    long ms =
        shadow == null
            ? Long.MAX_VALUE
            : shadow.untilSyncDue(clock.millis(), SYNC_INTERVAL.toMillis());
    return ms == Long.MAX_VALUE ? ms : Duration.ofMillis(ms).toNanos();
  }

  /** What capture's no-op write will look like if it begins a new WAL cycle now. */
  @Override
  public OwnWrite expectation() throws IOException {
    int counter = shadow == null || page1Counter < 0 ? OwnWrite.fileCounter(dbFile) : page1Counter;
    return new OwnWrite(shadow != null ? shadow.header() : previous, counter);
  }

  /** Capture's own frame was just copied: the index's end holds no application frame. */
  @Override
  public void ownWriteCopied() {
    ownWriteEnd = shadow == null ? 0 : shadow.length();
  }

  // ---- the catch-up

  /**
   * Where a catch-up index goes: the index after the current one (or the current one if unbegun).
   */
  Path catchUpFile() {
    return meta.shadowWal(gen, shadow == null ? index : index + 1);
  }

  /**
   * Continues the history with a {@link CatchUp}: the current index ends, the catch-up index (if
   * any page differed) becomes the next one and ends too, the image becomes the database's state,
   * and the live cycle {@code r.cycle()} is trusted to begin the index after it.
   */
  void caughtUp(CatchUp.Result r) throws IOException {
    if (r.index() == null
        && shadow != null
        && r.cycle() != null
        && shadow.header().sameSalts(r.cycle())) {
      return; // nothing differs and the current index's cycle goes on
    }
    if (shadow != null) {
      finishIndex();
    }
    if (r.index() != null) {
      shadow = r.index();
      indexStartedAt = clock.instant();
      ownWriteEnd = 0;
      finishIndex();
    }
    image = r.image();
    trusted = r.cycle();
    saveImage();
    publishEnd();
  }

  // ---- generations and the image

  /**
   * Starts generation {@code g} from the database as it is: its page image is the database file
   * plus the current WAL cycle, which becomes index 0. Returns false if the WAL restarted
   * meanwhile.
   */
  boolean begin(Generation g) throws IOException {
    WalHeader before = LiveWal.header(wal);
    PageImage file = PageImage.ofFile(dbFile, pageSize);
    quiet = true;
    try (FileChannel ch = LiveWal.open(wal)) {
      WalHeader h = LiveWal.header(ch);
      if (!LiveWal.sameCycle(before, h)) {
        return false;
      }
      closeShadow();
      gen = g;
      index = 0;
      previous = null;
      trusted = h != null && h.pageSize() == pageSize ? h : null;
      image = file;
      page1Counter = -1;
      lastFrame = null;
      if (trusted != null) {
        startIndex(ch, h);
      }
      if (!LiveWal.sameCycle(h, LiveWal.header(ch))) {
        closeShadow();
        return false;
      }
    } catch (Discontinuity d) {
      throw new IOException(d.getMessage());
    } finally {
      quiet = false;
    }
    saveImage();
    meta.writeCurrent(g);
    publishEnd();
    return true;
  }

  /**
   * Saves the image at an index start once as many shadow bytes were captured since the last save
   * as the image has (8 bytes a page): small databases save it at every index, large ones at most
   * double their write volume. Shadow indices from the image's index on are kept for the replay.
   */
  private void maybeSaveImage() throws IOException {
    if (sinceImage >= 8L * image.pageCount()) {
      saveImage();
    }
  }

  /** Saves the page image at the end of the history (the shadow synced first). */
  void saveImage() throws IOException {
    if (gen == null || image == null) {
      return;
    }
    makeDurable();
    image.save(
        meta.imageFile(gen),
        shadow == null ? new PageImage.Head(gen, index, 0, 0, 0, null) : shadow.head(gen, index));
    imageIndex = index;
    sinceImage = 0;
  }

  boolean quiet() {
    return quiet;
  }

  /** Tells shippers where the history ends. */
  void publishEnd() {
    if (!quiet && gen != null) {
      out.publish(end());
    }
  }

  void closeShadow() {
    ShadowIndex.closeQuietly(shadow);
    shadow = null;
  }

  /** Forgets everything (the next attach reloads the meta directory). */
  void reset() {
    closeShadow();
    gen = null;
    image = null;
    dbFile = null;
  }
}
