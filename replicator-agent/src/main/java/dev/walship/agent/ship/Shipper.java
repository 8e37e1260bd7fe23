package dev.walship.agent.ship;

import dev.walship.agent.capture.ShadowLog;
import dev.walship.agent.work.Job;
import dev.walship.agent.work.Workers;
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
 * Ships one database's shadow WAL to one replica, as a {@link Job} on a shared pool: recovers the
 * replica's position from the replica, writes a snapshot when the generation has none (and every
 * {@code snapshot-interval}), ships new bytes as soon as capture has them (or every {@code
 * sync-interval}), and runs retention. Failures are retried with backoff; they never block capture
 * or other shippers. {@link #stop} ships what is captured, then ends the job.
 *
 * <p>Design note: all replica work happens in {@link #step()}, one unit at a time, in the shipper's
 * job; between steps the shipper holds no thread: it is due again when capture's end moves, a timer
 * is due, or a retry's wait is over. Tests drive {@link #step()} directly with an injected clock.
 */
public final class Shipper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Shipper.class);

  /**
   * Longest a shipper waits for capture before it looks again (a safety net: capture's end moving
   * wakes it through {@link ShadowLog#onChange}, and its own timers are waited for exactly).
   */
  private static final Duration MAX_IDLE = Duration.ofMinutes(1);

  /** How long a stop past its deadline waits for the step in flight. */
  private static final Duration ABORT_WAIT = Duration.ofSeconds(10);

  /**
   * What {@link #step()} wants next: go on, wait for time to pass, or wait for capture's end to
   * move on from {@code seen} (the end the step looked at: waiting on a later read of the end could
   * sleep through a commit that arrived in between).
   */
  record Wait(Duration duration, boolean untilChange, Position seen) {
    static final Wait NONE = new Wait(Duration.ZERO, false, null);

    Wait(Duration duration, boolean untilChange) {
      this(duration, untilChange, null);
    }

    static Wait forChange(Position seen, Duration atMost) {
      return new Wait(atMost.compareTo(MAX_IDLE) < 0 ? atMost : MAX_IDLE, true, seen);
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

  private Instant lastRound;
  private Position roundTarget;
  private Instant nextRetention;
  private volatile Job job;
  private Workers own;
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
    this.sleeper = env.sleeper();
    this.backoff = new Backoff(settings.minBackoff(), settings.maxBackoff()).attempts(env.random());
    this.cursor =
        new ReplicaCursor(label, replica, store, log, clock, ticker, stats, env.spoolDir());
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

  /** Starts the shipper on a thread of its own (released by {@link #stop}). */
  public synchronized void start() {
    own = Workers.start("walship-ship " + label, 1);
    start(own);
  }

  /**
   * Starts the shipper as a job on {@code workers}: woken when capture's end moves, otherwise due
   * when a timer (sync-interval, snapshot-interval, retention, a retry) is; no thread of its own.
   */
  public synchronized void start(Workers workers) {
    if (job != null) {
      throw new IllegalStateException(label + ": already started");
    }
    log.onChange(this::wake);
    log.pace(replica, settings.syncInterval());
    job = Job.start(workers, "ship " + label, this::run);
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
   * Ships what is captured now, then stops the job, waiting at most {@code timeout}; after that no
   * new step starts, and the one in flight (never interrupted) gets a few more seconds.
   *
   * @return true when the replica holds everything that was captured when stop was called
   */
  public boolean stop(Duration timeout) throws InterruptedException {
    Position target = log.end();
    drainTarget = target;
    drainDeadline = ticker.read() + timeout.toNanos();
    draining = true;
    wake();
    Job j;
    Workers w;
    synchronized (this) {
      j = job;
      w = own;
    }
    if (j != null) {
      if (!j.awaitStopped(Duration.ofMillis(Math.max(1, timeout.toMillis())))) {
        // Never interrupted: MINA's SFTP client, interrupted while it waits for a reply, drops the
        // connection that every replica to the server shares. The step in flight ends on its own
        // (bounded by the store's timeouts); then the job ends.
        aborted = true;
        j.wake();
        if (!j.awaitStopped(ABORT_WAIT)) {
          LOG.warn("{}: an upload is still in flight after the stop's deadline; leaving it", label);
        }
      }
      j.cancel();
    }
    if (w != null) {
      w.close();
    }
    Position p = stats.replicaPosition();
    boolean done =
        target == null
            || (p != null
                && p.generation().equals(target.generation())
                && p.compareTo(target) >= 0);
    if (!done) {
      LOG.warn(
          "{}: stopped before the replica caught up: replica at {}, captured up to {}",
          label,
          p,
          target);
    }
    return done;
  }

  /** Stops without waiting for the replica to catch up. */
  @Override
  public void close() throws InterruptedException {
    stop(Duration.ZERO);
  }

  /** One run of the shipper's job: a step, then when the next is due. */
  private Duration run() {
    if (aborted) {
      return Job.DONE;
    }
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
        return Job.DONE;
      }
    }
    if (draining && (cursor.reached(drainTarget) || drainTarget == null || w.untilChange())) {
      return Job.DONE;
    }
    return next(w);
  }

  /**
   * When the job runs next: at once, when capture's end moves (the job is woken by {@link
   * ShadowLog#onChange}; meanwhile it is due when its next timer is, at most {@link #MAX_IDLE} on),
   * or after a wait (an injected sleeper sleeps it here, so tests see the waits).
   */
  private Duration next(Wait w) {
    if (w.none()) {
      return Duration.ZERO;
    }
    if (w.untilChange()) {
      return Objects.equals(log.end(), w.seen()) ? w.duration() : Duration.ZERO;
    }
    Duration d = w.duration();
    if (draining) {
      d = Duration.ofNanos(Math.max(0, Math.min(d.toNanos(), ticker.until(drainDeadline))));
    }
    if (sleeper == null) {
      return d;
    }
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      return aborted ? Job.DONE : Duration.ZERO;
    }
    return Duration.ZERO;
  }

  private void failed(Exception e, Duration retryIn) {
    cursor.invalidate();
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    if (!message.contains(store.location())) {
      message = store.location() + ": " + message;
    }
    stats.error(message, clock.instant());
    LOG.warn(
        "{}: {} (attempt {} failed; retrying in {} ms)",
        label,
        message,
        backoff.count(),
        retryIn.toMillis());
  }

  /**
   * One unit of work: recover, snapshot, retention, or one segment; or what to wait for when there
   * is nothing to do.
   */
  Wait step() throws IOException {
    Position end = log.end();
    Instant now = clock.instant();
    try {
      if (end == null) {
        return Wait.forChange(null, MAX_IDLE);
      }
      if (cursor.generation() == null) {
        cursor.recover(end);
        return Wait.NONE;
      }
      if (cursor.needsSnapshot()) {
        cursor.snapshot(
            cursor.position() == null && cursor.lastSnapshot() != null
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
      log.waiting(replica, end);
      return Wait.forChange(end, untilTimers(now));
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

  /** How long until {@link #timers} has work (at least a millisecond). */
  private Duration untilTimers(Instant now) {
    Duration d = MAX_IDLE;
    Duration interval = settings.snapshotInterval();
    Instant last = cursor.lastSnapshot();
    if (!interval.isZero() && last != null) {
      d = shorter(d, Duration.between(now, last.plus(interval)));
    }
    if (!settings.retention().isZero()) {
      d = shorter(d, Duration.between(now, nextRetention));
    }
    return d.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : d;
  }

  private static Duration shorter(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * {@code sync-interval}: a sync round ships everything captured when it starts (several segments
   * when it spans WAL indices); the next round starts {@code sync-interval} after it. Returns the
   * wait until the next round may start, or null to ship now.
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
      LOG.info(
          "{}: retention deleted {} of {} generation(s) and file(s) older than {}; the server keeps the rest for now: {}",
          label,
          done.deleted(),
          plan.generations().size() + plan.files().size(),
          cutoff,
          done.refused());
    } else if (done.deleted() > 0) {
      LOG.info(
          "{}: retention deleted {} generation(s) and {} file(s) older than {}",
          label,
          plan.generations().size(),
          plan.files().size(),
          cutoff);
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
    Job j = job;
    if (j != null) {
      j.wake();
    }
  }
}
