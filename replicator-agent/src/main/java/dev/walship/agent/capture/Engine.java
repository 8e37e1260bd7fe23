package dev.walship.agent.capture;

import dev.walship.toolkit.time.Backoff;
import dev.walship.toolkit.time.Ticker;
import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.wal.WalHeader;
import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture engine of one database (docs/design.md §4). Single-threaded: every method runs on the
 * capture thread (or under its lock).
 *
 * <p>Design note — invariants.
 *
 * <ol>
 *   <li><b>Only committed bytes, only durable claims.</b> Frames are copied only up to the last
 *       valid commit frame of the WAL cycle ({@link FrameRun}); the shadow file is fsynced (and,
 *       for a new file, its directory) before {@link Outbox#publish} moves the end ({@link
 *       History}).
 *   <li><b>Nobody else restarts the WAL.</b> After the first {@link LockSteps#anchor} capture always
 *       holds a read transaction begun while a frame was not yet in the database file: it holds a
 *       read mark (no restart is possible), or, if it began just when checkpoints had caught up
 *       (read-lock 0), it blocks every checkpoint, so the WAL can never be fully checkpointed and
 *       cannot restart either. The reader moves by handoff (the new reader begins, then the old
 *       one ends) once it trails the captured end by a fraction of the restart threshold or for a
 *       second ({@link MarkLag}), so the application's checkpoints keep copying close to capture's
 *       position. A commit can be in the file a moment before SQLite publishes it,
 *       so a handoff's snapshot may lag one commit; the next handoff catches up. Capture restarts
 *       the WAL itself, under the write lock, after copying every frame ({@link
 *       LockSteps#restart}).
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
  /** Longest wait between restart attempts that readers or writers keep failing. */
  private static final Duration RETRY_CAP = Duration.ofMillis(100);
  /** The mark moves once it trails the end by this fraction of min-checkpoint-page-count... */
  private static final int HANDOFF_DIVISOR = 16;
  /** ...or by any frame for this long ({@link MarkLag}). */
  private static final Duration HANDOFF_AGE = Duration.ofSeconds(1);

  private final Path db;
  private final Path wal;
  private final MetaDir meta;
  private final CaptureSettings settings;
  private final RandomGenerator random;
  private final Outbox out;
  private final Clock clock;
  private final Ticker ticker;
  private final Retention retention;
  private final History history;
  private final MarkLag markLag;
  /** Waits between restart attempts that readers or writers keep failing: 5 ms doubling. */
  private final Backoff restartBackoff;

  private FileLock metaLock;
  private DatabaseFile dbFile;
  private Sql sql;
  private LockSteps steps;
  private Connection mark;
  private boolean anchored;
  private long nextRestart;
  private int restartFailures;
  private boolean warnedMax;
  private int leases;
  private Discontinuity pending;
  private String story = "";

  Engine(Path db, MetaDir meta, CaptureSettings settings, Clock clock, Ticker ticker,
      RandomGenerator random, Outbox out) {
    this.db = db;
    this.wal = LiveWal.pathOf(db);
    this.meta = meta;
    this.settings = settings;
    this.clock = clock;
    this.ticker = ticker;
    this.nextRestart = ticker.read();
    this.random = random;
    this.out = out;
    this.retention = new Retention(meta);
    this.history = new History(db, meta, clock, out);
    Duration restartCap = settings.monitorInterval().compareTo(RETRY_CAP) < 0 ? settings.monitorInterval() : RETRY_CAP;
    this.restartBackoff = new Backoff(
        restartCap.compareTo(Duration.ofMillis(5)) < 0 ? restartCap : Duration.ofMillis(5), restartCap);
    this.markLag = new MarkLag(Math.max(1, settings.minCheckpointPageCount() / HANDOFF_DIVISOR),
        HANDOFF_AGE);
  }

  /**
   * One look at the database: attach, copy new frames, move the mark, restart the WAL when due.
   *
   * @return true when the history grew
   */
  boolean tick() throws IOException, SQLException {
    for (int round = 0; round < 3; round++) {
      try {
        if (pending != null) {
          Discontinuity d = pending;
          pending = null;
          throw d;
        }
        return step();
      } catch (Discontinuity d) {
        recover(d);
      }
    }
    return true;
  }

  /** A replica cannot continue this generation: the next tick starts a new one. */
  void restart(String reason) {
    pending = Discontinuity.lost(reason);
  }

  private boolean step() throws IOException, SQLException, Discontinuity {
    if (sql == null && !attach()) {
      return false;
    }
    if (!dbFile.stillAtPath()) {
      LOG.warn("{}: the database file was replaced or deleted; reopening it", db);
      detach();
      return true;
    }
    if (!Files.exists(meta.currentFile())) {
      throw Discontinuity.lost("the meta directory " + meta.root() + " lost its state");
    }
    if (mark == null) {
      takeMark(null);
    }
    boolean grew = history.capture(null);
    ShadowIndex shadow = history.shadow();
    if (!anchored && leases == 0) {
      anchored = steps.anchor();
    } else if (leases == 0 && shadow != null
        && markLag.due(history.end(), shadow.header().frameSize(), ticker.read())) {
      handoff(null);
    }
    maybeRestart();
    history.syncIfDue();
    if (out.takeShippedChanged()) {
      prune();
    }
    out.status(CaptureStatus.State.CAPTURING, "capturing " + db + "; " + story);
    return grew;
  }

  private boolean attach() throws IOException, SQLException, Discontinuity {
    if (!Files.exists(db)) {
      out.status(CaptureStatus.State.WAITING_FOR_DATABASE,
          db + " does not exist; capture starts when it does");
      return false;
    }
    metaLock = meta.lock();
    try {
      dbFile = DatabaseFile.open(db);
      sql = Sql.open(db, settings.busyTimeout(), ticker);
      steps = new LockSteps(sql, this, settings.busyTimeout());
      history.attach(dbFile, sql.pageSize());
      mark = sql.beginRead();
      markLag.forget();
      anchored = false;
      Map<String, Position> saved = meta.readReplicas();
      retention.persisted(saved);
      out.restoreShipped(saved);
      load(sql.pageSize());
      return true;
    } catch (IOException | SQLException | RuntimeException e) {
      detach();
      throw e;
    }
  }

  private void load(int pageSize) throws IOException, Discontinuity {
    LocalState st;
    try {
      st = LocalState.load(meta, pageSize);
    } catch (LocalState.Unusable u) {
      throw Discontinuity.lost(u.getMessage());
    }
    history.adopt(st);
    Continuity.Outcome o = Continuity.check(dbFile, wal, history.image(), history.shadow());
    if (o instanceof Continuity.Lost l) {
      throw Discontinuity.lost(l.reason());
    }
    if (o instanceof Continuity.Next n) {
      continueWith(n.cycle());
    }
    history.publishEnd();
    String continued = "generation " + history.generation() + " continued at " + history.end()
        + ": the database matches its captured history";
    LOG.info("{}: {}", db, continued);
    if (!story.startsWith("generation " + history.generation() + " ")) {
      story = continued;
    }
  }

  private void recover(Discontinuity d) throws IOException, SQLException {
    if (sql == null) {
      if (!d.lost()) {
        return;
      }
      throw new IOException(d.getMessage());
    }
    if (!d.lost() && history.image() != null) {
      LOG.info("{}: {}; checking the database against the captured history", db, d.getMessage());
      Continuity.Outcome o =
          Continuity.check(dbFile, wal, history.image(), history.shadow());
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
    history.continueWith(cycle);
    LOG.info("{}: the WAL's new cycle continues generation {} as index {} (database verified)",
        db, history.generation(), history.index());
  }

  private void newGeneration(String reason) throws IOException {
    Generation g = Generation.random(random);
    story = "generation " + g + " started: " + reason;
    LOG.warn("{}: {}", db, story);
    meta.createGeneration(g);
    for (int attempt = 1; attempt <= 5; attempt++) {
      if (history.begin(g)) {
        anchored = false;
        prune();
        return;
      }
      meta.deleteGeneration(g);
      meta.createGeneration(g);
    }
    throw new IOException("the WAL of " + db + " kept restarting while capture began generation "
        + g);
  }

  // ---- the read mark (LockSteps.Tail)

  @Override
  public boolean capture(OwnWrite expect) throws IOException, Discontinuity {
    return history.capture(expect);
  }

  @Override
  public void makeDurable() throws IOException {
    history.makeDurable();
  }

  @Override
  public OwnWrite expectation() throws IOException {
    return history.expectation();
  }

  @Override
  public void handoff(OwnWrite expect) throws IOException, SQLException, Discontinuity {
    Connection next = sql.beginRead();
    try {
      history.capture(expect);
    } catch (IOException | Discontinuity | RuntimeException e) {
      sql.endRead(next);
      throw e;
    }
    Connection old = mark;
    mark = next;
    markLag.moved(history.end(), ticker.read());
    sql.endRead(old);
  }

  @Override
  public void dropMark() throws SQLException {
    Connection old = mark;
    mark = null;
    markLag.forget();
    sql.endRead(old);
  }

  @Override
  public void takeMark(OwnWrite expect) throws IOException, SQLException, Discontinuity {
    mark = sql.beginRead();
    history.capture(expect);
    markLag.moved(history.end(), ticker.read());
  }

  @Override
  public boolean indexAfter(int before) {
    return history.index() > before && history.shadow() != null;
  }

  @Override
  public int index() {
    return history.index();
  }

  @Override
  public void ownWriteCopied() {
    history.ownWriteCopied();
  }

  private void maybeRestart() throws IOException, SQLException, Discontinuity {
    ShadowIndex shadow = history.shadow();
    if (shadow == null || leases > 0 || ticker.until(nextRestart) > 0) {
      return;
    }
    long frames = (shadow.length() - WalHeader.SIZE) / shadow.header().frameSize();
    boolean byTime = shadow.length() > history.ownWriteEnd() && !clock.instant()
        .isBefore(history.indexStartedAt().plus(settings.checkpointInterval()));
    if (frames < settings.minCheckpointPageCount() && !byTime) {
      return;
    }
    LockSteps.Result r = steps.restart();
    LOG.debug("{}: restart at {} frames{}: {}", db, frames, byTime ? " (interval)" : "", r);
    if (r == LockSteps.Result.RESTARTED) {
      restartFailures = 0;
      warnedMax = false;
      prune();
      return;
    }
    restartFailures++;
    nextRestart = ticker.read() + restartBackoff.ceiling(restartFailures).toNanos();
    if (frames >= settings.maxCheckpointPageCount() && !warnedMax) {
      warnedMax = true;
      LOG.warn("{}: the WAL holds {} frames (max-checkpoint-page-count {}) and cannot restart: {}",
          db, frames, settings.maxCheckpointPageCount(), r == LockSteps.Result.READERS
              ? "application read transactions hold older snapshots" : "the write lock is busy");
    }
  }

  private void prune() throws IOException {
    Position e = history.end();
    if (e == null || history.quiet()) {
      return;
    }
    Map<String, Position> positions = out.shippedPositions();
    retention.persist(positions);
    retention.prune(e, history.imageIndex(), positions);
  }

  // ---- snapshots

  /**
   * Begins a snapshot lease: a read transaction of its own, then capture up to its snapshot.
   * {@code released} runs when the lease is closed and must call {@link #leaseClosed()} under the
   * capture lock.
   */
  CaptureLease lease(Runnable released) throws IOException, SQLException {
    if (sql == null || history.generation() == null) {
      throw new IOException("capture of " + db + " has not started a generation yet");
    }
    Connection c = Sql.connectOne(db, settings.busyTimeout());
    try {
      try (var s = c.createStatement()) {
        s.execute("BEGIN");
        s.executeQuery("PRAGMA user_version").close();
      }
      history.capture(null);
      history.makeDurable();
    } catch (Discontinuity d) {
      pending = d;
      c.close();
      throw new IOException("capture of " + db + " is re-checking its history: " + d.getMessage());
    } catch (IOException | SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
    leases++;
    return new CaptureLease(new SnapshotName(history.generation(), history.index()),
        dbFile.share(), c, released);
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
          history.capture(null);
        } finally {
          if (locked) {
            sql.rollbackQuietly(sql.writer1());
          }
        }
        history.saveImage();
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
    history.reset();
    if (metaLock != null) {
      try {
        metaLock.channel().close();
      } catch (IOException ignored) {
        // closing the channel released the lock either way
      }
      metaLock = null;
    }
  }
}
