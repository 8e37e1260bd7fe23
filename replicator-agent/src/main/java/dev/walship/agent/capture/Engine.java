package dev.walship.agent.capture;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Layout;
import dev.walship.format.layout.Position;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.wal.WalHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture engine of one database (DESIGN.md §3). Single-threaded: every method runs on the
 * capture thread (or under its lock).
 *
 * <p>Design note — invariants.
 *
 * <ol>
 *   <li><b>Only committed bytes, only durable claims.</b> Frames are copied only up to the last
 *       valid commit frame of the WAL cycle ({@link FrameRun}); the shadow file is fsynced (and,
 *       for a new file, its directory) before {@link Outbox#publish} moves the end.
 *   <li><b>Nobody else restarts the WAL.</b> After the first {@link LockSteps#anchor} capture always
 *       holds a read transaction with a mark; the mark moves by handoff (the new reader begins,
 *       then the old one ends), so the application's checkpoints keep copying up to capture's
 *       latest position. Capture restarts the WAL itself, under the write lock, after copying
 *       every frame ({@link LockSteps#restart}).
 *   <li><b>Every change is classified.</b> A new WAL cycle becomes the next index only when it
 *       begins with capture's own write ({@link OwnWrite}) or when {@link Continuity} proves that
 *       it starts from the captured state. A shorter or overwritten WAL, a replaced database file,
 *       a lost meta directory, or a failed proof starts a new generation, with the reason logged.
 *   <li><b>The page image follows the end.</b> {@link PageImage} describes the database at the end
 *       of the history; it is saved with its position so that a restart (clean or after SIGKILL)
 *       can prove the database still continues the history before capture goes on.
 * </ol>
 */
final class Engine implements LockSteps.Tail, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

  private final Path db;
  private final Path wal;
  private final MetaDir meta;
  private final CaptureSettings settings;
  private final Clock clock;
  private final RandomGenerator random;
  private final Outbox out;
  private final Retention retention;

  private DatabaseFile dbFile;
  private Sql sql;
  private LockSteps steps;
  private Connection mark;
  private Position markAt;
  private boolean anchored;
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
  private long nextRestart = System.nanoTime();
  private int restartFailures;
  private boolean warnedMax;
  private int leases;
  private Discontinuity pending;
  private String history = "";

  Engine(Path db, MetaDir meta, CaptureSettings settings, Clock clock, RandomGenerator random,
      Outbox out) {
    this.db = db;
    this.wal = LiveWal.pathOf(db);
    this.meta = meta;
    this.settings = settings;
    this.clock = clock;
    this.random = random;
    this.out = out;
    this.retention = new Retention(meta);
  }

  /** One look at the database: attach, copy new frames, move the mark, restart the WAL when due. */
  void tick() throws IOException, SQLException {
    for (int round = 0; round < 3; round++) {
      try {
        if (pending != null) {
          Discontinuity d = pending;
          pending = null;
          throw d;
        }
        step();
        return;
      } catch (Discontinuity d) {
        recover(d);
      }
    }
  }

  private void step() throws IOException, SQLException, Discontinuity {
    if (sql == null && !attach()) {
      return;
    }
    if (!dbFile.stillAtPath()) {
      LOG.warn("{}: the database file was replaced or deleted; reopening it", db);
      detach();
      return;
    }
    if (!Files.exists(meta.currentFile())) {
      throw Discontinuity.lost("the meta directory " + meta.root() + " lost its state");
    }
    if (mark == null) {
      takeMark(null);
    }
    boolean grew = capture(null);
    if (!anchored && leases == 0) {
      anchored = steps.anchor();
    } else if (grew && leases == 0) {
      handoff(null);
    }
    maybeRestart();
    if (out.takeShippedChanged()) {
      prune();
    }
    out.status(CaptureStatus.State.CAPTURING, "capturing " + db + "; " + history);
  }

  private boolean attach() throws IOException, SQLException, Discontinuity {
    if (!Files.exists(db)) {
      out.status(CaptureStatus.State.WAITING_FOR_DATABASE,
          db + " does not exist; capture starts when it does");
      return false;
    }
    dbFile = DatabaseFile.open(db);
    try {
      sql = Sql.open(db, settings.busyTimeout());
      steps = new LockSteps(sql, this, settings.busyTimeout());
      pageSize = sql.pageSize();
      mark = sql.beginRead();
      markAt = null;
      anchored = false;
      out.restoreShipped(meta.readReplicas());
      load();
      return true;
    } catch (IOException | SQLException | RuntimeException e) {
      detach();
      throw e;
    }
  }

  private void load() throws IOException, Discontinuity {
    LocalState st;
    try {
      st = LocalState.load(meta, pageSize);
    } catch (LocalState.Unusable u) {
      throw Discontinuity.lost(u.getMessage());
    }
    adopt(st);
    Continuity.Outcome o = Continuity.check(dbFile, wal, image, shadow);
    if (o instanceof Continuity.Lost l) {
      throw Discontinuity.lost(l.reason());
    }
    if (o instanceof Continuity.Next n) {
      continueWith(n.cycle());
    }
    String continued = "generation " + gen + " continued at " + end()
        + ": the database matches its captured history";
    LOG.info("{}: {}", db, continued);
    if (!history.startsWith("generation " + gen + " ")) {
      history = continued;
    }
  }

  private void adopt(LocalState st) throws IOException {
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
    publishEnd();
  }

  private void recover(Discontinuity d) throws IOException, SQLException {
    if (sql == null) {
      if (!d.lost()) {
        return;
      }
      throw new IOException(d.getMessage());
    }
    if (!d.lost() && image != null) {
      LOG.info("{}: {}; checking the database against the captured history", db, d.getMessage());
      Continuity.Outcome o = Continuity.check(dbFile, wal, image, shadow);
      if (o instanceof Continuity.Next n) {
        continueWith(n.cycle());
        return;
      }
      if (o instanceof Continuity.Same) {
        return;
      }
      newGeneration(d.getMessage() + "; " + ((Continuity.Lost) o).reason());
      return;
    }
    newGeneration(d.getMessage());
  }

  private void continueWith(WalHeader cycle) throws IOException {
    if (shadow != null) {
      finishIndex();
    }
    trusted = cycle;
    LOG.info("{}: the WAL's new cycle continues generation {} as index {} (database verified)",
        db, gen, index);
  }

  // ---- copying frames

  @Override
  public boolean capture(OwnWrite expect) throws IOException, Discontinuity {
    try (FileChannel ch = LiveWal.open(wal)) {
      WalHeader h = LiveWal.header(ch);
      if (shadow == null) {
        return awaiting(ch, h, expect);
      }
      if (h == null) {
        throw Discontinuity.lost("the WAL is gone or has no header while index " + index
            + " holds " + shadow.length() + " captured bytes");
      }
      if (!h.sameSalts(shadow.header())) {
        if (expect != null && expect.began(h, ch)) {
          finishIndex();
          return startIndex(ch, h);
        }
        throw Discontinuity.unexplained("the WAL restarted without capture (salt-1 "
            + Integer.toHexString(shadow.header().salt1()) + " -> "
            + Integer.toHexString(h.salt1()) + ")");
      }
      return append(ch, h);
    }
  }

  private boolean awaiting(FileChannel ch, WalHeader h, OwnWrite expect)
      throws IOException, Discontinuity {
    if (h == null || (previous != null && h.sameSalts(previous))) {
      return false;
    }
    if (trusted != null && h.sameSalts(trusted)) {
      return startIndex(ch, h);
    }
    if (FrameRun.lastCommitCandidate(ch, h, WalHeader.SIZE) == WalHeader.SIZE) {
      return false;
    }
    if (expect != null && expect.began(h, ch)) {
      return startIndex(ch, h);
    }
    throw Discontinuity.unexplained("the WAL holds a cycle capture did not see begin (salt-1 "
        + Integer.toHexString(h.salt1()) + ")");
  }

  private boolean append(FileChannel ch, WalHeader h) throws IOException, Discontinuity {
    long x = shadow.length();
    if (ch.size() < x) {
      throw Discontinuity.lost("the WAL holds " + ch.size() + " bytes, fewer than the " + x
          + " captured from it: it was truncated behind capture's back");
    }
    if (!lastFrameStillThere(ch, x)) {
      throw Discontinuity.lost("the WAL's frame before offset " + x + " is not the one captured:"
          + " the WAL was overwritten behind capture's back");
    }
    FrameRun.Result run = FrameRun.read(ch, h, x, shadow.checksum(), shadow::write);
    if (run.frames() == 0) {
      shadow.discardTail();
      return false;
    }
    commit(run, false);
    return true;
  }

  private boolean lastFrameStillThere(FileChannel ch, long x) throws IOException {
    if (lastFrame == null) {
      return true;
    }
    byte[] b = new byte[lastFrame.length];
    FrameRun.readFully(ch, ByteBuffer.wrap(b), x - b.length);
    return Arrays.equals(b, lastFrame);
  }

  private boolean startIndex(FileChannel ch, WalHeader h) throws IOException, Discontinuity {
    if (h.pageSize() != pageSize) {
      throw Discontinuity.lost("the WAL's page size is " + h.pageSize() + ", the database's "
          + pageSize);
    }
    Path f = meta.shadowWal(gen, index);
    Files.deleteIfExists(f);
    ShadowIndex s = ShadowIndex.create(f, h);
    FrameRun.Result run;
    try {
      run = FrameRun.fromStart(ch, h, s::write);
    } catch (IOException | RuntimeException e) {
      s.close();
      Files.deleteIfExists(f);
      throw e;
    }
    if (run.frames() == 0) {
      s.close();
      Files.deleteIfExists(f);
      return false;
    }
    shadow = s;
    trusted = null;
    page1Counter = -1;
    indexStartedAt = clock.instant();
    ownWriteEnd = 0;
    commit(run, true);
    maybeSaveImage(false);
    prune();
    return true;
  }

  /** Makes the run durable, then public, then part of the image. */
  private void commit(FrameRun.Result run, boolean newFile) throws IOException {
    if (run.end() > Layout.MAX_OFFSET) {
      shadow.discardTail();
      throw new IOException("WAL index " + index + " of " + db + " would exceed 4 GiB, the largest"
          + " offset the replica layout can name; application readers have kept SQLite from"
          + " restarting the WAL for too long");
    }
    long before = Math.max(shadow.length(), WalHeader.SIZE);
    shadow.publish(run.end(), run.checksum());
    if (newFile) {
      MetaDir.forceDirectory(shadow.file().getParent());
    }
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
    previous = shadow.header();
    shadow.close();
    shadow = null;
    index++;
    page1Counter = -1;
    lastFrame = null;
    publishEnd();
  }

  // ---- the read mark

  @Override
  public void handoff(OwnWrite expect) throws IOException, SQLException, Discontinuity {
    Connection next = sql.beginRead();
    try {
      capture(expect);
    } catch (IOException | Discontinuity | RuntimeException e) {
      sql.endRead(next);
      throw e;
    }
    Connection old = mark;
    mark = next;
    markAt = end();
    sql.endRead(old);
  }

  @Override
  public void moveMark() throws IOException, SQLException, Discontinuity {
    if (markAt == null || !markAt.equals(end())) {
      handoff(null);
    }
  }

  @Override
  public void dropMark() throws SQLException {
    Connection old = mark;
    mark = null;
    sql.endRead(old);
  }

  @Override
  public void takeMark(OwnWrite expect) throws IOException, SQLException, Discontinuity {
    mark = sql.beginRead();
    capture(expect);
    markAt = end();
  }

  @Override
  public OwnWrite expectation() throws IOException {
    int counter = page1Counter;
    if (shadow == null || counter < 0) {
      ByteBuffer b = ByteBuffer.allocate(4);
      if (dbFile.read(b, 24) < 4) {
        throw new IOException(db + " is shorter than a database header");
      }
      counter = b.getInt(0);
    }
    return new OwnWrite(shadow != null ? shadow.header() : previous, counter);
  }

  @Override
  public boolean indexAfter(int before) {
    return index > before && shadow != null;
  }

  @Override
  public int index() {
    return index;
  }

  @Override
  public void ownWriteCopied() {
    ownWriteEnd = shadow == null ? 0 : shadow.length();
  }

  private void maybeRestart() throws IOException, SQLException, Discontinuity {
    if (shadow == null || leases > 0 || System.nanoTime() - nextRestart < 0) {
      return;
    }
    long frames = (shadow.length() - WalHeader.SIZE) / shadow.header().frameSize();
    boolean byTime = shadow.length() > ownWriteEnd && !clock.instant()
        .isBefore(indexStartedAt.plus(settings.checkpointInterval()));
    if (frames < settings.minCheckpointPageCount() && !byTime) {
      return;
    }
    LockSteps.Result r = steps.restart();
    if (r == LockSteps.Result.RESTARTED) {
      restartFailures = 0;
      warnedMax = false;
      return;
    }
    restartFailures++;
    long backoff = Math.min(settings.monitorInterval().toNanos(),
        Duration.ofMillis(5).toNanos() << Math.min(restartFailures - 1, 16));
    nextRestart = System.nanoTime() + backoff;
    if (frames >= settings.maxCheckpointPageCount() && !warnedMax) {
      warnedMax = true;
      LOG.warn("{}: the WAL holds {} frames (max-checkpoint-page-count {}) and cannot restart: {}",
          db, frames, settings.maxCheckpointPageCount(), r == LockSteps.Result.READERS
              ? "application read transactions hold older snapshots" : "the write lock is busy");
    }
  }

  // ---- generations, image, retention

  private void newGeneration(String reason) throws IOException {
    Generation g = Generation.random(random);
    history = "generation " + g + " started: " + reason;
    LOG.warn("{}: {}", db, history);
    if (shadow != null) {
      shadow.close();
      shadow = null;
    }
    meta.createGeneration(g);
    for (int attempt = 1; attempt <= 5; attempt++) {
      if (tryGeneration(g)) {
        return;
      }
    }
    throw new IOException("the WAL of " + db + " kept restarting while capture began generation "
        + g);
  }

  private boolean tryGeneration(Generation g) throws IOException {
    WalHeader before = LiveWal.header(wal);
    PageImage file = PageImage.ofFile(dbFile, pageSize);
    quiet = true;
    try (FileChannel ch = LiveWal.open(wal)) {
      WalHeader h = LiveWal.header(ch);
      if (!LiveWal.sameCycle(before, h)) {
        return false;
      }
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
        if (shadow != null) {
          shadow.close();
          shadow = null;
        }
        meta.deleteGeneration(g);
        meta.createGeneration(g);
        return false;
      }
    } catch (Discontinuity d) {
      throw new IOException(d.getMessage());
    } finally {
      quiet = false;
    }
    saveImage();
    meta.writeCurrent(g);
    anchored = false;
    publishEnd();
    prune();
    return true;
  }

  private void maybeSaveImage(boolean force) throws IOException {
    long budget = Math.max(1 << 20, 8L * image.pageCount());
    if (force || sinceImage >= budget) {
      saveImage();
    }
  }

  private void saveImage() throws IOException {
    PageImage.Head head = shadow == null
        ? new PageImage.Head(gen, index, 0, 0, 0, null)
        : new PageImage.Head(gen, index, shadow.length(), shadow.header().salt1(),
            shadow.header().salt2(), shadow.checksum());
    image.save(meta.imageFile(gen), head);
    imageIndex = index;
    sinceImage = 0;
  }

  private void prune() throws IOException {
    Position e = end();
    if (e == null || quiet) {
      return;
    }
    var positions = out.shippedPositions();
    for (var r : positions.entrySet()) {
      meta.writeReplica(r.getKey(), r.getValue());
    }
    retention.prune(e, imageIndex, positions);
  }

  private Position end() {
    return gen == null ? null : new Position(gen, index, shadow == null ? 0 : shadow.length());
  }

  private void publishEnd() {
    if (!quiet && gen != null) {
      out.publish(end());
    }
  }

  // ---- snapshots

  /**
   * Begins a snapshot lease: a read transaction of its own, then capture up to its snapshot.
   * {@code released} runs when the lease is closed and must call {@link #leaseClosed()} under the
   * capture lock.
   */
  CaptureLease lease(Runnable released) throws IOException, SQLException {
    if (sql == null || gen == null) {
      throw new IOException("capture of " + db + " has not started a generation yet");
    }
    Connection c = Sql.connectOne(db, settings.busyTimeout());
    try {
      try (var s = c.createStatement()) {
        s.execute("BEGIN");
        s.executeQuery("PRAGMA user_version").close();
      }
      capture(null);
    } catch (Discontinuity d) {
      pending = d;
      c.close();
      throw new IOException("capture of " + db + " is re-checking its history: " + d.getMessage());
    } catch (IOException | SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
    leases++;
    return new CaptureLease(new SnapshotName(gen, index), dbFile.share(), c, released);
  }

  void leaseClosed() {
    leases--;
  }

  // ---- lifecycle

  /** Final capture under the write lock (if it can be had), image saved, every lock released. */
  @Override
  public void close() {
    if (sql != null) {
      try {
        boolean locked = sql.beginImmediate(sql.writer1(), settings.busyTimeout());
        try {
          capture(null);
        } finally {
          if (locked) {
            sql.rollbackQuietly(sql.writer1());
          }
        }
        if (image != null && gen != null) {
          saveImage();
        }
      } catch (IOException | SQLException | Discontinuity | RuntimeException e) {
        LOG.warn("{}: final capture failed: {}", db, e.getMessage());
      }
    }
    detach();
  }

  /** Drops every connection and lock; the next tick reattaches from the meta directory. */
  void detach() {
    if (sql != null) {
      sql.close();
      sql = null;
    }
    mark = null;
    steps = null;
    if (dbFile != null) {
      dbFile.close();
      dbFile = null;
    }
    if (shadow != null) {
      try {
        shadow.close();
      } catch (IOException ignored) {
        // reopened from disk on the next attach
      }
      shadow = null;
    }
    gen = null;
  }

  boolean attached() {
    return sql != null;
  }
}
