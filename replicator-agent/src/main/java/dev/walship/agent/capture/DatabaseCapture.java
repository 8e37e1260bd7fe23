package dev.walship.agent.capture;

import dev.walship.toolkit.time.Ticker;
import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Capture of one SQLite database: the public entry of this package. {@link #open} prepares it,
 * {@link #start} starts its thread (which waits for the database to exist), {@link #close} makes a
 * final capture of every committed frame and releases every lock. The captured history is read
 * through the {@link ShadowLog} methods. Errors never escape the capture thread: they show in
 * {@link #status()} and in the log, and capture retries.
 *
 * <p>In-process use: capture keeps one descriptor of the database file open for as long as the file
 * is the database (see {@link DatabaseFile}); SQLite's POSIX locks would otherwise be dropped.
 */
public final class DatabaseCapture implements ShadowLog, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseCapture.class);
  /** How often capture looks at a changed database while no shipper waits for the change. */
  static final Duration UNWANTED_PACE = Duration.ofMillis(100);
  /** Longest the watcher's thread is held for capture to take a wake. */
  private static final Duration HOLD_WATCHER = Duration.ofSeconds(1);

  private final Path db;
  private final MetaDir meta;
  private final CaptureSettings settings;
  private final Ticker ticker;
  private final Outbox out;
  private final Engine engine;
  private final ReentrantLock lock = new ReentrantLock();
  private final Object signal = new Object();
  private boolean woken;
  /** When the last look at the database began ({@link Ticker} nanoseconds). */
  private long lastLook;
  private volatile boolean closing;
  private Thread thread;
  private WalWatcher watcher;

  private DatabaseCapture(
      Path db, CaptureSettings settings, Clock clock, Ticker ticker, RandomGenerator random) {
    this.db = db.toAbsolutePath();
    this.settings = settings;
    this.ticker = ticker;
    this.meta = new MetaDir(settings.metaDirFor(this.db));
    this.out = new Outbox(clock, ticker, this::demanded);
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
  public static DatabaseCapture open(Path db, CaptureSettings settings, Clock clock, Ticker ticker,
      RandomGenerator random) {
    return new DatabaseCapture(db, settings, clock, ticker, random);
  }

  /** Starts the capture thread and the file watcher. */
  public synchronized void start() throws IOException {
    if (thread != null) {
      throw new IllegalStateException("capture of " + db + " already started");
    }
    watcher = WalWatcher.start(db, this::fileChanged);
    thread = new Thread(this::run, "walship-capture-" + db.getFileName());
    thread.setDaemon(true);
    thread.start();
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

  /** What capture is doing now. */
  public CaptureStatus status() {
    return out.status();
  }

  private void run() {
    while (!closing) {
      lastLook = ticker.read();
      lock.lock();
      try {
        if (!closing) {
          engine.tick();
        }
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
      awaitWake(settings.monitorInterval());
    }
  }

  private void failed(String why) {
    lastLook -= UNWANTED_PACE.toNanos(); // a retry is never paced
    String detail = "capture of " + db + " failed: " + why + "; retrying";
    if (out.status(CaptureStatus.State.FAILING, detail)) {
      LOG.error(detail);
    }
  }

  void wake() {
    synchronized (signal) {
      if (!woken) { // already woken: capture is due to look, or paced (file events come per write)
        woken = true;
        signal.notifyAll();
      }
    }
  }

  /**
   * A file event (the watcher's thread): wakes capture, then holds the watcher until capture has
   * taken the wake (at most a second), so the events of the writes meanwhile gather in one watch
   * key and cost the watcher one hand-off, not one each.
   */
  private void fileChanged() {
    long deadline = ticker.read() + HOLD_WATCHER.toNanos();
    synchronized (signal) {
      wake();
      long left;
      while (woken && !closing && (left = ticker.until(deadline)) > 0) {
        try {
          signal.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** A shipper started waiting for the end to move: a pending change is looked at now. */
  private void demanded() {
    synchronized (signal) {
      if (woken) {
        signal.notifyAll();
      }
    }
  }

  /**
   * Waits for a change of the database (or {@code timeout}), then for a shipper to want it: while
   * no shipper waits for the end to move (each is uploading, or waiting for its next {@code
   * sync-interval} round), changes are looked at no more often than every {@link #UNWANTED_PACE}.
   * Commits that arrive during an upload are thus taken in one look, when the shipper asks for
   * them, instead of one look each; the application's WAL cannot be restarted under capture
   * meanwhile (its read mark), so nothing is lost by waiting.
   */
  private void awaitWake(Duration timeout) {
    long deadline = ticker.read() + timeout.toNanos();
    synchronized (signal) {
      while (!closing) {
        long now = ticker.read();
        long paced = lastLook + UNWANTED_PACE.toNanos();
        if (woken && (out.awaited() || now - paced >= 0)) {
          break;
        }
        long until = woken && paced - deadline < 0 ? paced : deadline;
        if (now - deadline >= 0) {
          break;
        }
        try {
          signal.wait(Math.max(1, (until - now) / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      woken = false;
      signal.notifyAll(); // the watcher, held by fileChanged
    }
  }

  /** Stops capture: a final capture of committed frames, then every connection and lock released. */
  @Override
  public void close() {
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
    }
    synchronized (signal) {
      signal.notifyAll();
    }
    if (thread != null) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (watcher != null) {
      watcher.close();
    }
    lock.lock();
    try {
      engine.close();
    } finally {
      lock.unlock();
    }
    out.status(CaptureStatus.State.CLOSED, "capture of " + db + " closed");
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
  public long indexLength(Generation generation, int index) throws IOException {
    Position e = out.end();
    if (e != null && e.generation().equals(generation)) {
      if (index == e.index()) {
        return e.offset();
      }
      if (index > e.index()) {
        throw new NoSuchFileException(meta.shadowWal(generation, index).toString(), null,
            "index " + index + " of generation " + generation + " has not begun");
      }
    }
    Path f = meta.shadowWal(generation, index);
    try {
      return Files.size(f);
    } catch (NoSuchFileException x) {
      throw new NoSuchFileException(f.toString(), null,
          "index " + index + " of generation " + generation + " is not held locally");
    }
  }

  @Override
  public InputStream read(Position from, long to) throws IOException {
    long length = indexLength(from.generation(), from.index());
    if (from.offset() > to || to > length) {
      throw new IllegalArgumentException("cannot read [" + from.offset() + ", " + to + ") of index "
          + from.index() + " of generation " + from.generation() + ": it holds " + length
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
  public void shipped(String replica, Position shipped) {
    if (out.shipped(replica, shipped)) {
      wake();
    }
  }
}
