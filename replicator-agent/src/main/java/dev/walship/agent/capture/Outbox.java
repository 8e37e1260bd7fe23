package dev.walship.agent.capture;

import dev.walship.format.layout.Position;
import dev.walship.toolkit.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What capture publishes to other threads: the end of the captured history (with waiting for it to
 * change), the status, and the positions replicas report. Thread-safe.
 */
final class Outbox {
  /** The pace of looks while every replica is busy shipping what was captured before. */
  static final Duration BUSY_PACE = Duration.ofMillis(100);

  private final Clock clock;
  private final Ticker ticker;
  private volatile Position end;
  private volatile CaptureStatus status;
  private final Map<String, Position> shipped = new ConcurrentHashMap<>();
  private volatile boolean shippedChanged;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final Map<String, Duration> syncIntervals = new HashMap<>(); // guarded by this
  private final Set<String> waiting = new HashSet<>();

  /**
   * The pace while every replica is busy, from the sync-intervals known (worked out when one is
   * given, not at each file event: {@code Duration.dividedBy} goes through BigDecimal); null while
   * none is.
   */
  private Duration busyPace;

  Outbox(Clock clock, Ticker ticker) {
    this.clock = clock;
    this.ticker = ticker;
    this.status =
        new CaptureStatus(CaptureStatus.State.STARTING, null, "not started", clock.instant());
  }

  Position end() {
    return end;
  }

  void publish(Position p) {
    boolean changed;
    synchronized (this) {
      changed = !p.equals(end);
      if (changed) {
        end = p;
        waiting.clear();
        notifyAll();
      }
    }
    if (changed) {
      listeners.forEach(Runnable::run);
    }
  }

  /**
   * Calls {@code listener} after each change of the end (on capture's thread: it must be quick).
   */
  void onChange(Runnable listener) {
    listeners.add(listener);
  }

  /** Replica {@code replica} ships every {@code syncInterval} (zero: as soon as it can). */
  synchronized void pace(String replica, Duration syncInterval) {
    syncIntervals.put(replica, syncInterval);
    Duration shortest = null;
    for (Duration d : syncIntervals.values()) {
      shortest = shortest == null || d.compareTo(shortest) < 0 ? d : shortest;
    }
    Duration quarter = shortest.dividedBy(4);
    busyPace = quarter.compareTo(BUSY_PACE) > 0 ? quarter : BUSY_PACE;
  }

  /** Replica {@code replica} has shipped up to {@code seen} and waits for the end to move on. */
  synchronized void waiting(String replica, Position seen) {
    if (Objects.equals(seen, end)) {
      waiting.add(replica);
    }
  }

  /**
   * How long after a look began a file event may wait for the next one: zero while some replica
   * waits for the end to move (or none is known), otherwise {@link #BUSY_PACE}, or a quarter of the
   * shortest sync-interval when every replica has one and that is longer.
   */
  synchronized Duration pace() {
    return busyPace == null || !waiting.isEmpty() ? Duration.ZERO : busyPace;
  }

  synchronized Position await(Position seen, Duration timeout) throws InterruptedException {
    long deadline = ticker.read() + timeout.toNanos();
    while (Objects.equals(end, seen)) {
      long left = ticker.until(deadline);
      if (left <= 0) {
        break;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return end;
  }

  CaptureStatus status() {
    return status;
  }

  /** Sets the status; returns true when the state or detail changed (worth a log line). */
  boolean status(CaptureStatus.State state, String detail) {
    CaptureStatus s = status;
    if (s.state() == state && s.detail().equals(detail)) {
      status = new CaptureStatus(state, end, detail, s.since());
      return false;
    }
    status = new CaptureStatus(state, end, detail, clock.instant());
    return true;
  }

  /**
   * Records a replica's report; returns true when it moved the replica to another index or
   * generation (or is its first), the only reports that can free a shadow index: capture need not
   * wake for the others, which arrive with every segment.
   */
  boolean shipped(String replica, Position p) {
    Position was = shipped.put(replica, p);
    shippedChanged = true;
    return was == null || was.index() != p.index() || !was.generation().equals(p.generation());
  }

  /** Loads positions from an earlier run without overwriting newer reports. */
  void restoreShipped(Map<String, Position> saved) {
    saved.forEach(shipped::putIfAbsent);
  }

  Map<String, Position> shippedPositions() {
    return Map.copyOf(shipped);
  }

  /** True when a replica reported a position since the last {@link #takeShippedChanged}. */
  boolean shippedChangedPending() {
    return shippedChanged;
  }

  /** True (once) when a replica reported a position since the last call. */
  boolean takeShippedChanged() {
    boolean c = shippedChanged;
    shippedChanged = false;
    return c;
  }
}
