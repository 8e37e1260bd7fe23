package dev.walship.agent.replicate;

import dev.walship.agent.config.HeartbeatConfig;
import dev.walship.agent.health.StatePublisher;
import dev.walship.agent.heartbeat.Heartbeat;
import dev.walship.agent.heartbeat.ShipperHealth;
import dev.walship.agent.ship.Shipper;
import dev.walship.agent.verify.ReplicaComparison;
import dev.walship.agent.verify.ValidationLoop;
import dev.walship.format.layout.Position;
import dev.walship.toolkit.time.Ticker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What watches replication from beside it, never in its way: per replica a {@code
 * validation-interval} loop, the heartbeat, and the state {@code status} reads. A database is added
 * once it replicates and removed when it is no longer followed; all is closed before the databases
 * stop.
 */
final class Watchers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Watchers.class);

  /**
   * One database: its meta directory, each replica's validation interval (zero: none), its
   * replication.
   */
  record Db(Path meta, List<Duration> validation, DatabaseReplication replication) {}

  private final Map<DatabaseReplication, Parts> parts = new LinkedHashMap<>();
  private final List<Heartbeat.Replica> judged = new CopyOnWriteArrayList<>();
  private final List<StatePublisher.Entry> published = new CopyOnWriteArrayList<>();
  private final Heartbeat heartbeat;
  private final StatePublisher state;
  private final InstantSource clock;
  private final Ticker ticker;
  private boolean closed;

  /** What one database added: to take away when it is no longer followed. */
  private record Parts(
      List<ValidationLoop> validations,
      List<Heartbeat.Replica> judged,
      List<StatePublisher.Entry> published) {}

  private Watchers(HeartbeatConfig heartbeat, InstantSource clock, Ticker ticker) {
    this.clock = clock;
    this.ticker = ticker;
    this.heartbeat =
        heartbeat == null
            ? null
            : Heartbeat.start(heartbeat.url(), heartbeat.interval(), judged, ticker);
    this.state = StatePublisher.start(published);
  }

  /**
   * @param heartbeat null: none
   */
  static Watchers start(HeartbeatConfig heartbeat, InstantSource clock, Ticker ticker) {
    return new Watchers(heartbeat, clock, ticker);
  }

  /** Starts watching a database that replicates now. */
  synchronized void add(Db db) {
    if (closed) {
      return;
    }
    DatabaseReplication d = db.replication();
    Parts p = new Parts(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (int i = 0; i < d.shippers().size(); i++) {
      Shipper s = d.shippers().get(i);
      Duration every = db.validation().get(i);
      if (!every.isZero()) {
        p.validations()
            .add(
                ValidationLoop.start(
                    new ReplicaComparison(
                        d.name(),
                        db.meta(),
                        s.replica(),
                        s.store(),
                        ticker,
                        progress(s, every, ticker)),
                    every,
                    ticker));
        LOG.info("validating {} [{}] every {}", d.name(), s.replica(), every);
      }
      p.judged().add(new ShipperHealth(d.name() + " [" + s.replica() + "]", s, clock));
      p.published().add(new StatePublisher.Entry(db.meta(), s.replica(), s.stats()));
    }
    parts.put(d, p);
    judged.addAll(p.judged());
    published.addAll(p.published());
  }

  /** Stops watching a database no longer followed (a deleted file of a {@code dir:} entry). */
  synchronized void remove(DatabaseReplication d) {
    Parts p = parts.remove(d);
    if (p != null) {
      judged.removeAll(p.judged());
      published.removeAll(p.published());
      p.validations().forEach(ValidationLoop::close);
    }
  }

  /** Waits until {@code s} has shipped a position, at most {@code every} (and a minute). */
  private static ReplicaComparison.Progress progress(Shipper s, Duration every, Ticker ticker) {
    Duration max = every.compareTo(Duration.ofMinutes(1)) < 0 ? every : Duration.ofMinutes(1);
    return p -> {
      long deadline = ticker.read() + max.toNanos();
      while (true) {
        Position at = s.stats().replicaPosition();
        if (at != null && at.generation().equals(p.generation()) && at.compareTo(p) >= 0) {
          return true;
        }
        if (ticker.until(deadline) <= 0) {
          return false;
        }
        Thread.sleep(20);
      }
    };
  }

  synchronized List<ValidationLoop> validations() {
    return parts.values().stream().flatMap(p -> p.validations().stream()).toList();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (heartbeat != null) {
      heartbeat.close();
    }
    parts.values().forEach(p -> p.validations().forEach(ValidationLoop::close));
    state.close();
  }
}
