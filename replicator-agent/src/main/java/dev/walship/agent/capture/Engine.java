package dev.walship.agent.capture;

import dev.walship.format.layout.Position;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.wal.WalHeader;
import dev.walship.toolkit.time.Ticker;
import java.io.IOException;
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
 *       valid commit frame of the WAL cycle ({@link FrameRun}); what is durable when is {@link
 *       History}'s note.
 *   <li><b>Nobody else restarts the WAL.</b> After the first {@link LockSteps#anchor} capture
 *       always holds a read transaction that keeps every other connection from restarting the WAL
 *       ({@link ReadMark}'s invariant). It moves by handoff when it trails the captured end ({@link
 *       MarkLag}), so the application's checkpoints keep copying close to capture's position.
 *       Capture restarts the WAL itself, under the write lock, after copying every frame ({@link
 *       LockSteps#restart}, when {@link RestartSchedule} says so).
 *   <li><b>Every change is classified.</b> A new WAL cycle becomes the next index only when it
 *       begins with capture's own write ({@link OwnWrite}) or when {@link Continuity} proves that
 *       it starts from the captured state. When the database moved on without capture, a {@link
 *       CatchUp} writes the page difference as one more index of the same generation. A new
 *       generation starts only when the history cannot be trusted: the meta directory is lost or
 *       damaged, the page size changed, the WAL lost frames the history holds, the database file
 *       was replaced ({@link DatabaseIdentity}), or the page image misses pages. The reason is
 *       logged either way.
 *   <li><b>The page image follows the end.</b> {@link PageImage} describes the database at the end
 *       of the history; it is saved with its position so that a restart (clean or after SIGKILL)
 *       can prove the database still continues the history, or catch it up, before capture goes on.
 *   <li><b>A skipped look sees nothing new.</b> {@link #look} skips the full look only when the
 *       {@link Glance} equals the one taken before the last full look began (so nothing any look
 *       could see has changed since) and no work that time alone makes due is waiting. A look after
 *       a file event ({@link #lookAfterEvent}) takes no glance, so the look after it is full. How
 *       often capture looks never matters for safety: invariant 2 holds however long it waits.
 * </ol>
 */
final class Engine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

  /** The longest a database goes without a full look however idle it is. */
  static final Duration FULL_LOOK_EVERY = Duration.ofSeconds(60);

  /** How old a write must be before a look that finds it may say no file event announced it. */
  static final Duration EVENT_GRACE = Duration.ofSeconds(2);

  private final Path db;
  private final Path wal;
  private final MetaDir meta;
  private final CaptureSettings settings;
  private final Outbox out;
  private final Clock clock;
  private final Ticker ticker;
  private final Retention retention;
  private final History history;
  private final RestartSchedule schedule;
  private final Repair repair;

  /** What capture holds while attached to the database; null while detached. */
  private Attachment at;

  private boolean anchored;
  private int leases;
  private Discontinuity pending;
  private String story = "";

  /** The glance taken before the last full look that ended normally; null: the next is full. */
  private Glance before;

  /** The glance of the last look, full or not. */
  private Glance last;

  private boolean unannounced;

  private long lastFull;
  private long fullLooks;

  Engine(
      Path db,
      MetaDir meta,
      CaptureSettings settings,
      Clock clock,
      Ticker ticker,
      RandomGenerator random,
      Outbox out) {
    this.db = db;
    this.wal = LiveWal.pathOf(db);
    this.meta = meta;
    this.settings = settings;
    this.clock = clock;
    this.ticker = ticker;
    this.out = out;
    this.retention = new Retention(meta);
    this.history = new History(db, meta, clock, out);
    this.schedule = new RestartSchedule(settings, clock, ticker);
    this.repair = new Repair(db, meta, settings, clock, random, history);
  }

  /**
   * One look at the database: a full {@link #tick} unless a {@link Glance} shows that nothing
   * changed since the last full look began and no time-driven work is due (then nearly free). A
   * full look happens at least every {@link #FULL_LOOK_EVERY} regardless.
   *
   * @return true when the history grew
   */
  boolean look() throws IOException, SQLException {
    Glance now = glance();
    unannounced = now != null && now.changedBefore(last, clock.millis() - EVENT_GRACE.toMillis());
    last = now;
    if (now != null && now.same(before) && untilDue() > 0) {
      return false;
    }
    before = null;
    lastFull = ticker.read();
    fullLooks++;
    boolean grew = tick();
    before = now;
    return grew;
  }

  /**
   * A full look after a file event announced a change: no {@link Glance} first (a commit changed
   * the files, so a glance could not let the look be skipped), so the next look is full too, and
   * the change counts as announced.
   *
   * @return true when the history grew
   */
  boolean lookAfterEvent() throws IOException, SQLException {
    unannounced = false;
    last = null;
    before = null;
    lastFull = ticker.read();
    fullLooks++;
    return tick();
  }

  /** Full looks so far (for tests). */
  long fullLooks() {
    return fullLooks;
  }

  /**
   * True when the last look found the database or WAL file changed since the look before it, by a
   * write at least {@link #EVENT_GRACE} old: a file event for it, had one come, would have been
   * delivered by then (see {@link DatabaseCapture}).
   */
  boolean unannounced() {
    return unannounced;
  }

  /** A glance at the files, or null when only a full look will do (detached, no database). */
  private Glance glance() {
    if (at == null) {
      return null;
    }
    try {
      return Glance.take(db, wal, meta.currentFile(), at.walIndex());
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Nanoseconds until a full look is due however still the files are (0: now; {@link
   * Long#MAX_VALUE} never comes, as {@link #FULL_LOOK_EVERY} bounds it): now while capture is not
   * settled (detached, not anchored, a lease or a new generation pending, no shadow, a replica's
   * report to act on), otherwise the earliest of a handoff by age ({@link MarkLag}), the shadow's
   * sync, a restart ({@link RestartSchedule}) and the next full look by {@link #FULL_LOOK_EVERY}.
   */
  long untilDue() {
    ShadowIndex shadow = history.shadow();
    if (at == null
        || pending != null
        || shadow == null
        || !anchored
        || leases > 0
        || !at.mark().held()
        || out.shippedChangedPending()) {
      return 0;
    }
    long frames = (shadow.length() - WalHeader.SIZE) / shadow.header().frameSize();
    long d = Math.max(0, ticker.until(lastFull + FULL_LOOK_EVERY.toNanos()));
    d = Math.min(d, at.mark().untilDue());
    d = Math.min(d, history.untilSyncDue());
    return Math.min(
        d,
        schedule.untilDue(
            frames, shadow.length() > history.ownWriteEnd(), history.indexStartedAt()));
  }

  /**
   * One full look at the database: attach, copy new frames, move the mark, restart the WAL when
   * due.
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
    if (at == null && !attach()) {
      return false;
    }
    if (!at.file().stillAtPath()) {
      LOG.warn("{}: the database file was replaced or deleted; reopening it", db);
      detach();
      return true;
    }
    if (!Files.exists(meta.currentFile())) {
      throw Discontinuity.lost("the meta directory " + meta.root() + " lost its state");
    }
    if (!at.mark().held()) {
      at.mark().take(null);
      anchored = false;
    }
    boolean grew = history.capture(null);
    if (!anchored && leases == 0) {
      anchored = at.steps().anchor();
    } else if (leases == 0 && at.mark().due()) {
      at.mark().handoff(null);
    }
    maybeRestart();
    history.syncIfDue();
    if (out.takeShippedChanged()) {
      prune();
    }
    out.status(CaptureStatus.State.CAPTURING, "capturing " + db + "; " + story);
    return grew;
  }

  private boolean attach() throws IOException, SQLException {
    if (!Files.exists(db)) {
      out.status(
          CaptureStatus.State.WAITING_FOR_DATABASE,
          db + " does not exist; capture starts when it does");
      return false;
    }
    at = Attachment.open(db, meta, settings, history, ticker);
    try {
      int pageSize = at.sql().pageSize();
      history.attach(at.file(), pageSize);
      at.mark().begin();
      anchored = false;
      Map<String, Position> saved = meta.readReplicas();
      retention.persisted(saved);
      out.restoreShipped(saved);
      load(pageSize);
      return true;
    } catch (IOException | SQLException | RuntimeException e) {
      detach();
      throw e;
    }
  }

  private void load(int pageSize) throws IOException, SQLException {
    LocalState st;
    try {
      st = LocalState.load(meta, pageSize);
    } catch (LocalState.Unusable u) {
      began(repair.newGeneration(at, u.getMessage()));
      return;
    }
    history.adopt(st);
    Continuity.Outcome o = Continuity.check(at.file(), wal, history.image(), history.shadow());
    if (o instanceof Continuity.Moved || o instanceof Continuity.Lost) {
      began(repair.settle(at, o, ""));
      return;
    }
    if (o instanceof Continuity.Next n) {
      history.continueWith(n.cycle());
    }
    repair.recordIdentityIfMissing(at);
    history.publishEnd();
    String continued =
        "generation "
            + history.generation()
            + " continued at "
            + history.end()
            + ": the database matches its captured history";
    LOG.info("{}: {}", db, continued);
    if (!story.startsWith("generation " + history.generation() + " ")) {
      story = continued;
    }
  }

  private void recover(Discontinuity d) throws IOException, SQLException {
    if (at == null) {
      if (!d.lost()) {
        return;
      }
      throw new IOException(d.getMessage());
    }
    began(repair.recover(at, d));
  }

  /**
   * After {@link Repair} began or caught up a generation ({@code newStory} not null): tell its
   * story, anchor again, prune.
   */
  private void began(String newStory) throws IOException {
    if (newStory != null) {
      story = newStory;
      anchored = false;
      prune();
    }
  }

  private void maybeRestart() throws IOException, SQLException, Discontinuity {
    ShadowIndex shadow = history.shadow();
    if (shadow == null || leases > 0) {
      return;
    }
    long frames = (shadow.length() - WalHeader.SIZE) / shadow.header().frameSize();
    if (!schedule.due(frames, shadow.length() > history.ownWriteEnd(), history.indexStartedAt())) {
      return;
    }
    LockSteps.Result r = at.steps().restart();
    LOG.debug("{}: restart at {} frames: {}", db, frames, r);
    String warning = schedule.record(r, frames);
    if (warning != null) {
      LOG.warn("{}: {}", db, warning);
    }
    if (r == LockSteps.Result.RESTARTED) {
      prune();
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
   * Begins a snapshot lease: a read transaction of its own, then capture up to its snapshot. {@code
   * released} runs when the lease is closed and must call {@link #leaseClosed()} under the capture
   * lock.
   */
  CaptureLease lease(Runnable released) throws IOException, SQLException {
    if (at == null || history.generation() == null) {
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
    return new CaptureLease(
        new SnapshotName(history.generation(), history.index()), at.file().share(), c, released);
  }

  void leaseClosed() {
    leases--;
  }

  // ---- lifecycle

  /** Final capture under the write lock (if it can be had), image saved, every lock released. */
  @Override
  public void close() {
    if (at != null) {
      Sql sql = at.sql();
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
    before = null;
    history.reset();
    if (at != null) {
      at.close();
      at = null;
    }
  }
}
