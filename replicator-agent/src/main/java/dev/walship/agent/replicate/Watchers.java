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
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What watches replication from beside it, never in its way: per replica a {@code
 * validation-interval} loop, the heartbeat, and the state {@code status} reads. Started after the
 * databases, closed before they stop.
 */
final class Watchers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Watchers.class);

  /** One database: its meta directory, each replica's validation interval (zero: none), its replication. */
  record Db(Path meta, List<Duration> validation, DatabaseReplication replication) {}

  private final List<ValidationLoop> validations;
  private final Heartbeat heartbeat;
  private final StatePublisher state;

  private Watchers(List<ValidationLoop> validations, Heartbeat heartbeat, StatePublisher state) {
    this.validations = List.copyOf(validations);
    this.heartbeat = heartbeat;
    this.state = state;
  }

  /** @param heartbeat null: none */
  static Watchers start(List<Db> dbs, HeartbeatConfig heartbeat, InstantSource clock, Ticker ticker) {
    List<ValidationLoop> validations = new ArrayList<>();
    List<Heartbeat.Replica> judged = new ArrayList<>();
    List<StatePublisher.Entry> published = new ArrayList<>();
    for (Db db : dbs) {
      DatabaseReplication d = db.replication();
      for (int i = 0; i < d.shippers().size(); i++) {
        Shipper s = d.shippers().get(i);
        Duration every = db.validation().get(i);
        if (!every.isZero()) {
          validations.add(ValidationLoop.start(
              new ReplicaComparison(d.name(), db.meta(), s.replica(), s.store(), ticker, progress(s, every, ticker)),
              every, ticker));
          LOG.info("validating {} [{}] every {}", d.name(), s.replica(), every);
        }
        judged.add(new ShipperHealth(d.name() + " [" + s.replica() + "]", s, clock));
        published.add(new StatePublisher.Entry(db.meta(), s.replica(), s.stats()));
      }
    }
    Heartbeat beat = heartbeat == null ? null : Heartbeat.start(heartbeat.url(), heartbeat.interval(), judged, ticker);
    return new Watchers(validations, beat, StatePublisher.start(published));
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

  List<ValidationLoop> validations() {
    return validations;
  }

  @Override
  public void close() {
    if (heartbeat != null) {
      heartbeat.close();
    }
    validations.forEach(ValidationLoop::close);
    state.close();
  }
}
