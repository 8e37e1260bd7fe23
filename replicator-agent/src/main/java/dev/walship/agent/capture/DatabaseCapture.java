package dev.walship.agent.capture;

import dev.walship.agent.work.FileWatches;
import dev.walship.agent.work.Job;
import dev.walship.agent.work.Workers;
import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import dev.walship.format.wal.SqliteFiles;
import dev.walship.toolkit.time.Ticker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Capture of one SQLite database: the public entry of this package. {@link #open} prepares it,
 * {@link #start} starts it as a {@link Job} (which waits for the database to exist), woken by file
 * events, and by a timer for work that time makes due and as a safety net ({@link #nextLook}),
 * {@link #close} makes a final capture of every committed frame and releases every lock. The
 * captured history is read through the {@link ShadowLog} methods. Errors never escape the capture
 * thread: they show in {@link #status()} and in the log, and capture retries.
 *
 * <p>In-process use: capture keeps one descriptor of the database file open for as long as the file
 * is the database (see {@link DatabaseFile}); SQLite's POSIX locks would otherwise be dropped.
 */
public final class DatabaseCapture implements ShadowLog, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseCapture.class);

  /** The safety-net look of a settled database whose file events are trusted. */
  static final Duration WATCHED_LOOK_EVERY = Duration.ofSeconds(30);

  private final Path db;
  private final MetaDir meta;
  private final CaptureSettings settings;
  private final Ticker ticker;
  private final Outbox out;
  private final Engine engine;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile boolean closing;
  private volatile long lastLook;
  private volatile boolean deferred;
  private boolean eventsTrusted = true;
  private Duration safetyNet = WATCHED_LOOK_EVERY;
  private volatile long looks;
  private Job job;
  private FileWatches.Registration watch;
  private AutoCloseable owned;

  private DatabaseCapture(
      Path db, CaptureSettings settings, Clock clock, Ticker ticker, RandomGenerator random) {
    this.db = db.toAbsolutePath();
    this.settings = settings;
    this.ticker = ticker;
    this.meta = new MetaDir(settings.metaDirFor(this.db));
    this.out = new Outbox(clock, ticker);
    this.engine = new Engine(this.db, meta, settings, clock, ticker, random, out);
  }

  /**
   * Prepares capture of {@code db} (which need not exist yet). Nothing is opened before {@link
   * #start()}.
   *
   * @param clock wall-clock time (when an index started, for checkpoint-interval)
   * @param ticker elapsed time (deadlines, retry waits)
   * @param random draws new generation names
   */
  public static DatabaseCapture open(
      Path db, CaptureSettings settings, Clock clock, Ticker ticker, RandomGenerator random) {
    return new DatabaseCapture(db, settings, clock, ticker, random);
  }

  /** Starts capture on a thread and a file watcher of its own (released by {@link #close}). */
  public synchronized void start() throws IOException {
    Workers workers = Workers.start("walship-capture-" + db.getFileName(), 1);
    FileWatches watches;
    try {
      watches = FileWatches.start("walship-watch-" + db.getFileName());
    } catch (IOException | RuntimeException e) {
      workers.close();
      throw e;
    }
    owned =
        () -> {
          watches.close();
          workers.close();
        };
    start(workers, watches);
  }

  /**
   * Starts capture as a job on {@code workers}, woken by {@code watches} when the database or its
   * WAL changes, and otherwise every monitor interval: no thread of its own.
   */
  public synchronized void start(Workers workers, FileWatches watches) throws IOException {
    if (job != null) {
      throw new IllegalStateException("capture of " + db + " already started");
    }
    String name = db.getFileName().toString();
    String wal = SqliteFiles.walName(name);
    watch = watches.watch(db.getParent(), Set.of(name, wal), f -> changed());
    job = Job.start(workers, "capture " + db, this::step);
  }

  public Path database() {
    return db;
  }

  public Path metaDir() {
    return meta.root();
  }

  @Override
  public void restartGeneration(String reason) {
    lock.lock();
    try {
      engine.restart(reason);
    } finally {
      lock.unlock();
    }
    wake();
  }

  /** Looks so far, glances included (for tests). */
  long looks() {
    return looks;
  }

  /** Another safety net than {@link #WATCHED_LOOK_EVERY}, before {@link #start} (for tests). */
  void safetyNet(Duration d) {
    safetyNet = d;
  }

  /** Looks that were more than a glance, so far (for tests). */
  long fullLooks() {
    lock.lock();
    try {
      return engine.fullLooks();
    } finally {
      lock.unlock();
    }
  }

  /** What capture is doing now. */
  public CaptureStatus status() {
    return out.status();
  }

  /**
   * One look at the database; the next is due after {@link #nextLook} unless a file event comes
   * first.
   */
  private Duration step() {
    if (closing) {
      return Job.DONE;
    }
    boolean announced = deferred;
    deferred = false;
    lastLook = ticker.read();
    looks++;
    Duration next = settings.monitorInterval();
    lock.lock();
    try {
      if (closing) {
        return next; // close() makes the last look
      }
      if (announced) {
        engine.lookAfterEvent();
      } else {
        engine.look();
        if (engine.unannounced() && eventsTrusted) {
          eventsTrusted = false;
          LOG.warn(
              "{}: a change came without a file event; looking every monitor-interval ({} ms) from"
                  + " now on",
              db,
              next.toMillis());
        }
      }
      next = nextLook();
    } catch (SQLException e) {
      failed("SQLite: " + e.getMessage());
      if (!Sql.isBusy(e)) {
        engine.detach();
      }
    } catch (IOException | RuntimeException e) {
      failed(e.getMessage() == null ? e.toString() : e.getMessage());
    } finally {
      lock.unlock();
    }
    return next;
  }

  /**
   * When to look if no file event comes first. Without file events (none registered, or one was
   * found missing) every monitor interval: looking is the only way to see a commit. With them, the
   * look on a timer is only for work that time alone makes due ({@link Engine#untilDue}: a handoff,
   * a sync, a restart by checkpoint-interval), never sooner than the monitor interval, and a safety
   * net every {@link #WATCHED_LOOK_EVERY} (or monitor interval, when longer): an idle database
   * costs a glance every thirty seconds instead of every second.
   */
  private Duration nextLook() {
    Duration interval = settings.monitorInterval();
    if (watch == null || !eventsTrusted) {
      return interval;
    }
    long cap = Math.max(interval.toNanos(), safetyNet.toNanos());
    return Duration.ofNanos(Math.max(interval.toNanos(), Math.min(engine.untilDue(), cap)));
  }

  private void failed(String why) {
    String detail = "capture of " + db + " failed: " + why + "; retrying";
    if (out.status(CaptureStatus.State.FAILING, detail)) {
      LOG.error(detail);
    }
  }

  /**
   * A file event: a look at once while some replica waits for more, otherwise within the pace after
   * the last look began ({@link Outbox#pace}), so that commits arriving while every replica is busy
   * make one look, not one each.
   */
  private void changed() {
    Job j = job;
    if (j == null) {
      return;
    }
    deferred = true;
    long wait = out.pace().toNanos() - (ticker.read() - lastLook);
    j.wakeWithin(Duration.ofNanos(Math.max(0, wait)));
  }

  void wake() {
    Job j = job;
    if (j != null) {
      j.wake();
    }
  }

  /**
   * Stops following the database after one last look (what is committed now is captured), but stays
   * attached, so that shippers can still take a snapshot while they ship the final end; {@link
   * #close} releases everything.
   */
  public void finish() {
    if (watch != null) {
      watch.close();
    }
    if (job != null) {
      job.stop();
    }
    if (closing) {
      return;
    }
    lock.lock();
    try {
      engine.tick();
    } catch (SQLException e) {
      failed("SQLite: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      failed(e.getMessage() == null ? e.toString() : e.getMessage());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops capture: a final capture of committed frames, then every connection and lock released.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
    }
    if (watch != null) {
      watch.close();
    }
    if (job != null) {
      job.stop();
    }
    lock.lock();
    try {
      engine.close();
    } finally {
      lock.unlock();
    }
    out.status(CaptureStatus.State.CLOSED, "capture of " + db + " closed");
    if (owned != null) {
      try {
        owned.close();
      } catch (Exception e) {
        LOG.debug("closing capture's own thread of {}: {}", db, e.toString());
      }
    }
  }

  // ---- ShadowLog

  @Override
  public Position end() {
    return out.end();
  }

  @Override
  public Position awaitChange(Position seen, Duration timeout) throws InterruptedException {
    return out.await(seen, timeout);
  }

  @Override
  public void onChange(Runnable listener) {
    out.onChange(listener);
  }

  @Override
  public long indexLength(Generation generation, int index) throws IOException {
    Position e = out.end();
    if (e != null && e.generation().equals(generation)) {
      if (index == e.index()) {
        return e.offset();
      }
      if (index > e.index()) {
        throw new NoSuchFileException(
            meta.shadowWal(generation, index).toString(),
            null,
            "index " + index + " of generation " + generation + " has not begun");
      }
    }
    Path f = meta.shadowWal(generation, index);
    try {
      return Files.size(f);
    } catch (NoSuchFileException x) {
      throw new NoSuchFileException(
          f.toString(),
          null,
          "index " + index + " of generation " + generation + " is not held locally");
    }
  }

  @Override
  public InputStream read(Position from, long to) throws IOException {
    long length = indexLength(from.generation(), from.index());
    if (from.offset() > to || to > length) {
      throw new IllegalArgumentException(
          "cannot read ["
              + from.offset()
              + ", "
              + to
              + ") of index "
              + from.index()
              + " of generation "
              + from.generation()
              + ": it holds "
              + length
              + " bytes");
    }
    if (to == from.offset()) {
      return InputStream.nullInputStream();
    }
    return ShadowIndex.stream(meta.shadowWal(from.generation(), from.index()), from.offset(), to);
  }

  @Override
  public SnapshotLease snapshot() throws IOException {
    lock.lock();
    try {
      return engine.lease(this::leaseReleased);
    } catch (SQLException e) {
      throw new IOException("cannot begin a snapshot of " + db + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  private void leaseReleased() {
    lock.lock();
    try {
      engine.leaseClosed();
    } finally {
      lock.unlock();
    }
    wake();
  }

  @Override
  public void pace(String replica, Duration syncInterval) {
    out.pace(replica, syncInterval);
  }

  @Override
  public void waiting(String replica, Position seen) {
    out.waiting(replica, seen);
    if (deferred && out.pace().isZero()) {
      wake();
    }
  }

  @Override
  public void shipped(String replica, Position shipped) {
    if (out.shipped(replica, shipped)) {
      wake();
    }
  }
}
