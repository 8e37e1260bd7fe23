package dev.walship.agent.ship;

import dev.walship.agent.capture.ShadowLog;
import dev.walship.format.catalog.ReplicaCatalog;
import dev.walship.format.layout.Position;
import dev.walship.format.store.ReplicaStore;
import dev.walship.toolkit.time.Backoff;
import dev.walship.toolkit.time.Sleeper;
import dev.walship.toolkit.time.Ticker;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships one database's shadow WAL to one replica, on its own thread: recovers the replica's
 * position from the replica, writes a snapshot when the generation has none (and every {@code
 * snapshot-interval}), ships new bytes as soon as capture has them (or every {@code
 * sync-interval}), and runs retention. Failures are retried with backoff; they never block capture
 * or other shippers. {@link #stop} ships what is captured, then ends the thread.
 *
 * <p>Design note: all replica work happens in {@link #step()}, one unit at a time, on the shipper's
 * thread; the thread only waits between steps (for capture, a timer or a retry). Tests drive
 * {@link #step()} directly with an injected clock.
 */
public final class Shipper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Shipper.class);
  /** Longest a shipper waits for capture before it looks at its timers again. */
  private static final Duration MAX_IDLE = Duration.ofMillis(200);

  /**
   * What {@link #step()} wants next: go on, wait for time to pass, or wait for capture's end to
   * move on from {@code seen} (the end the step looked at: waiting on a later read of the end
   * could sleep through a commit that arrived in between).
   */
  record Wait(Duration duration, boolean untilChange, Position seen) {
    static final Wait NONE = new Wait(Duration.ZERO, false, null);

    Wait(Duration duration, boolean untilChange) {
      this(duration, untilChange, null);
    }

    static Wait forChange(Position seen) {
      return new Wait(MAX_IDLE, true, seen);
    }

    boolean none() {
      return duration.isZero();
    }
  }

  private final String label;
  private final String replica;
  private final ReplicaStore store;
  private final ShadowLog log;
  private final ShipSettings settings;
  private final InstantSource clock;
  private final Ticker ticker;
  private final Sleeper sleeper;
  private final Backoff.Attempts backoff;
  private final ShipperStats stats = new ShipperStats();
  private final ReplicaCursor cursor;
  private final Object signal = new Object();

  private Instant lastRound;
  private Position roundTarget;
  private Instant nextRetention;
  private Thread thread;
  private volatile boolean draining;
  private volatile Position drainTarget;
  private volatile long drainDeadline;
  private volatile boolean aborted;

  /**
   * @param database the database's path or name, for messages
   * @param replica the replica's name, unique per database; capture tracks shipped positions by it
   */
  public Shipper(
      String database,
      String replica,
      ReplicaStore store,
      ShadowLog log,
      ShipSettings settings,
      ShipEnvironment env) {
    this.label = database + " [" + replica + "]";
    this.replica = Objects.requireNonNull(replica);
    this.store = Objects.requireNonNull(store);
    this.log = Objects.requireNonNull(log);
    this.settings = Objects.requireNonNull(settings);
    this.clock = env.clock();
    this.ticker = env.ticker();
    this.sleeper = env.sleeper() != null ? env.sleeper() : this::pause;
    this.backoff = new Backoff(settings.minBackoff(), settings.maxBackoff()).attempts(env.random());
    this.cursor = new ReplicaCursor(label, replica, store, log, clock, ticker, stats, env.spoolDir());
    this.nextRetention = clock.instant().plus(settings.effectiveRetentionCheckInterval());
  }

  public String replica() {
    return replica;
  }

  public ReplicaStore store() {
    return store;
  }

  public ShipperStats stats() {
    return stats;
  }

  /** Starts the shipper's thread. */
  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException(label + ": already started");
    }
    thread = new Thread(this::run, "walship-ship " + label);
    thread.setDaemon(true);
    thread.start();
  }

  /** Shadow bytes not yet on the replica, or -1 when unknown (e.g. the replica is down). */
  public long lagBytes() {
    Position p = stats.replicaPosition();
    Position end = log.end();
    if (p == null || end == null || !p.generation().equals(end.generation())) {
      return -1;
    }
    try {
      long lag = 0;
      for (int i = p.index(); i < end.index(); i++) {
        lag += log.indexLength(p.generation(), i);
      }
      return lag + end.offset() - p.offset();
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Ships what is captured now, then stops the thread, waiting at most {@code timeout}; after that
   * the upload in flight is interrupted.
   *
   * @return true when the replica holds everything that was captured when stop was called
   */
  public boolean stop(Duration timeout) throws InterruptedException {
    Position target = log.end();
    drainTarget = target;
    drainDeadline = ticker.read() + timeout.toNanos();
    draining = true;
    wake();
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      t.join(Math.max(1, timeout.toMillis()));
      if (t.isAlive()) {
        aborted = true;
        t.interrupt();
        t.join(10_000);
      }
    }
    Position p = stats.replicaPosition();
    boolean done = target == null || (p != null && p.generation().equals(target.generation()) && p.compareTo(target) >= 0);
    if (!done) {
      LOG.warn("{}: stopped before the replica caught up: replica at {}, captured up to {}", label, p, target);
    }
    return done;
  }

  /** Stops without waiting for the replica to catch up. */
  @Override
  public void close() throws InterruptedException {
    stop(Duration.ZERO);
  }

  private void run() {
    while (!aborted) {
      Wait w;
      long progress = stats.progress();
      try {
        w = step();
        // Only progress (a file written or deleted) or having nothing to do ends a run of
        // failures: re-listing the replica after a failure succeeds even when every upload fails.
        if (!w.none() || stats.progress() != progress) {
          backoff.reset();
          stats.recovered();
        }
      } catch (IOException | RuntimeException e) {
        w = new Wait(backoff.next(), false);
        failed(e, w.duration());
        if (draining && ticker.until(drainDeadline) <= 0) {
          return;
        }
      }
      if (draining && (cursor.reached(drainTarget) || drainTarget == null || w.untilChange())) {
        return;
      }
      try {
        waitFor(w);
      } catch (InterruptedException e) {
        if (aborted) {
          return;
        }
      }
    }
  }

  private void waitFor(Wait w) throws InterruptedException {
    if (w.none()) {
      return;
    }
    if (w.untilChange()) {
      log.awaitChange(w.seen(), w.duration());
    } else {
      Duration d = w.duration();
      if (draining) {
        d = Duration.ofNanos(Math.max(0, Math.min(d.toNanos(), ticker.until(drainDeadline))));
      }
      sleeper.sleep(d);
    }
  }

  private void failed(Exception e, Duration retryIn) {
    cursor.invalidate();
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    if (!message.contains(store.location())) {
      message = store.location() + ": " + message;
    }
    stats.error(message, clock.instant());
    LOG.warn("{}: {} (attempt {} failed; retrying in {} ms)", label, message, backoff.count(), retryIn.toMillis());
  }

  /**
   * One unit of work: recover, snapshot, retention, or one segment; or what to wait for when
   * there is nothing to do.
   */
  Wait step() throws IOException {
    Position end = log.end();
    Instant now = clock.instant();
    try {
      if (end == null) {
        return Wait.forChange(null);
      }
      if (cursor.generation() == null) {
        cursor.recover(end);
        return Wait.NONE;
      }
      if (cursor.needsSnapshot()) {
        cursor.snapshot(cursor.position() == null && cursor.lastSnapshot() != null
            ? "the replica's WAL cannot continue from the local shadow WAL"
            : "generation " + cursor.generation() + " has no snapshot on the replica");
        return Wait.NONE;
      }
      if (!draining) {
        Wait timers = timers(now);
        if (timers != null) {
          return timers;
        }
        Wait sync = syncRound(end, now);
        if (sync != null) {
          return sync;
        }
      }
      if (cursor.advance(end)) {
        return Wait.NONE;
      }
      return Wait.forChange(end);
    } finally {
      trackBehind(now);
    }
  }

  /** Runs a due snapshot or retention; null when none is due. */
  private Wait timers(Instant now) throws IOException {
    Duration interval = settings.snapshotInterval();
    Instant last = cursor.lastSnapshot();
    if (!interval.isZero() && last != null && !now.isBefore(last.plus(interval))) {
      cursor.snapshot("snapshot-interval " + interval);
      return Wait.NONE;
    }
    if (!settings.retention().isZero() && !now.isBefore(nextRetention)) {
      nextRetention = now.plus(settings.effectiveRetentionCheckInterval());
      enforceRetention(now);
      return Wait.NONE;
    }
    return null;
  }

  /**
   * {@code sync-interval}: a sync round ships everything captured when it starts (several
   * segments when it spans WAL indices); the next round starts {@code sync-interval} after it.
   * Returns the wait until the next round may start, or null to ship now.
   */
  private Wait syncRound(Position end, Instant now) {
    if (roundTarget != null && cursor.reached(roundTarget)) {
      roundTarget = null;
    }
    if (roundTarget != null || cursor.reached(end)) {
      return null;
    }
    if (lastRound != null && !settings.syncInterval().isZero()) {
      Duration d = Duration.between(now, lastRound.plus(settings.syncInterval()));
      if (!d.isNegative() && !d.isZero()) {
        return new Wait(d, false);
      }
    }
    roundTarget = end;
    lastRound = now;
    return null;
  }

  /**
   * Deletes what is older than retention. When the newest snapshot is itself older, a new one is
   * taken first (as Litestream does): otherwise the newest chain, which is always kept, would grow
   * without end.
   */
  private void enforceRetention(Instant now) throws IOException {
    Instant cutoff = now.minus(settings.retention());
    Instant newest = cursor.lastSnapshot();
    if (newest == null || newest.isBefore(cutoff)) {
      cursor.snapshot("retention: the newest snapshot is older than " + settings.retention());
    }
    ReplicaRetention.Plan plan = ReplicaRetention.plan(ReplicaCatalog.load(store), cutoff);
    ReplicaRetention.Applied done = ReplicaRetention.apply(store, plan);
    stats.deleted(done.deleted());
    if (done.refused() != null) {
      LOG.info("{}: retention deleted {} of {} generation(s) and file(s) older than {}; the server keeps the rest for now: {}",
          label, done.deleted(), plan.generations().size() + plan.files().size(), cutoff, done.refused());
    } else if (done.deleted() > 0) {
      LOG.info("{}: retention deleted {} generation(s) and {} file(s) older than {}",
          label, plan.generations().size(), plan.files().size(), cutoff);
    }
  }

  private void trackBehind(Instant now) {
    Position end = log.end();
    if (end == null || cursor.reached(end)) {
      stats.behind(null);
    } else if (stats.behindSince() == null) {
      stats.behind(now);
    }
  }

  private void wake() {
    synchronized (signal) {
      signal.notifyAll();
    }
  }

  /** The default wait between retries: ends early when the shipper is stopped. */
  private void pause(Duration d) throws InterruptedException {
    long deadline = ticker.read() + d.toNanos();
    synchronized (signal) {
      long left;
      while (!draining && (left = ticker.until(deadline)) > 0) {
        signal.wait(Math.max(1, left / 1_000_000));
      }
    }
  }
}
