package dev.walship.agent.replicate;

import dev.walship.agent.config.DbConfig;
import dev.walship.agent.config.DirConfig;
import dev.walship.agent.replicate.Launcher.DbPlan;
import dev.walship.agent.verify.ValidationLoop;
import dev.walship.agent.verify.ValidationMetrics;
import dev.walship.toolkit.time.Ticker;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicates SQLite databases continuously: per database one capture engine, per replica one
 * shipper, all of them jobs on two bounded pools (capture, shipping) woken by one file watcher, so
 * an idle database costs no thread; SFTP replicas to one server share one connection. The {@code
 * replicate} command and Java applications use the same engine:
 *
 * <pre>{@code
 * try (Replicator r = Replicator.builder()
 *     .database(Path.of("app.db"))
 *     .replica("file:///var/backups/app")
 *     .start()) {
 *   // … the application runs and writes app.db …
 * } // close(): ships what was captured, then stops
 * }</pre>
 *
 * Thread-safe. {@link #close()} ships what is captured (at most the shutdown timeout, 30 s by
 * default) and releases everything.
 */
public final class Replicator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);

  /** How long {@link #close()} waits for replicas to receive what was captured. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  /** How long a database whose file was deleted gets to ship what was captured of it. */
  static final Duration UNFOLLOW_TIMEOUT = Duration.ofSeconds(5);

  private final Map<Path, DatabaseReplication> databases = new LinkedHashMap<>();
  private final List<DirectoryReplication> directories = new ArrayList<>();
  private final Pools pools;
  private final Launcher launcher;
  private final Watchers watchers;
  private final Duration shutdownTimeout;
  private final Ticker ticker;
  private MetricsServer metrics;
  private volatile boolean closed;

  private Replicator(
      Pools pools, Launcher launcher, Watchers watchers, Duration shutdownTimeout, Ticker ticker) {
    this.pools = pools;
    this.launcher = launcher;
    this.watchers = watchers;
    this.shutdownTimeout = shutdownTimeout;
    this.ticker = ticker;
  }

  public static ReplicatorBuilder builder() {
    return new ReplicatorBuilder();
  }

  /**
   * Waits until every replica holds everything captured so far (what was committed a moment ago).
   * Right after {@link ReplicatorBuilder#start} it first waits for capture to attach to each
   * database.
   *
   * @return false when {@code timeout} passed first (also when a database does not exist)
   */
  public boolean sync(Duration timeout) throws InterruptedException {
    long deadline = ticker.read() + timeout.toNanos();
    for (DatabaseReplication d : databases()) {
      if (!d.sync(Duration.ofNanos(Math.max(0, ticker.until(deadline))))) {
        return false;
      }
    }
    return true;
  }

  /** The databases replicated now (those of {@code dir:} entries as they come and go). */
  public List<Path> paths() {
    synchronized (databases) {
      return List.copyOf(databases.keySet());
    }
  }

  /** The port metrics are served on, or -1 when none. */
  public int metricsPort() {
    return metrics == null ? -1 : metrics.port();
  }

  /**
   * Captures the last commits, ships them to every replica (all databases and replicas at once,
   * within {@code timeout}), and stops.
   *
   * @return true when every replica received everything captured
   */
  public synchronized boolean stop(Duration timeout) {
    if (closed) {
      return true;
    }
    closed = true;
    directories.forEach(DirectoryReplication::close);
    watchers.close();
    List<DatabaseReplication> all;
    synchronized (databases) {
      all = List.copyOf(databases.values());
      databases.clear();
    }
    List<Future<Boolean>> stops = new ArrayList<>();
    for (DatabaseReplication d : all) {
      stops.add(pools.stops().submit(() -> d.stop(timeout)));
    }
    boolean ok = true;
    for (Future<Boolean> f : stops) {
      try {
        ok &= f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ok = false;
      } catch (ExecutionException e) {
        LOG.warn("stopping a database failed: {}", e.getCause().toString());
        ok = false;
      }
    }
    if (metrics != null) {
      metrics.close();
    }
    pools.close(timeout);
    LOG.info(
        ok
            ? "replication stopped; every replica holds what was captured"
            : "replication stopped; some replicas did not receive everything (see above)");
    return ok;
  }

  /** {@link #stop} with the shutdown timeout. */
  @Override
  public void close() {
    stop(shutdownTimeout);
  }

  List<DatabaseReplication> databases() {
    synchronized (databases) {
      return List.copyOf(databases.values());
    }
  }

  /** The {@code validation-interval} loops, one per replica that has one. */
  public List<ValidationLoop> validations() {
    return watchers.validations();
  }

  private void add(DatabaseReplication d, DbPlan plan) {
    synchronized (databases) {
      databases.put(Path.of(d.name()), d);
    }
    watchers.add(
        new Watchers.Db(
            plan.config().metaPath(),
            plan.replicas().stream().map(Launcher.ReplicaPlan::validation).toList(),
            d));
  }

  /** What a {@code dir:} entry's databases go through. */
  private final class Host implements DirectoryReplication.Host {
    @Override
    public boolean follow(DbConfig db) {
      synchronized (databases) {
        if (closed || databases.containsKey(db.path())) {
          return false;
        }
      }
      try {
        DbPlan plan = Launcher.plan(db);
        add(launcher.start(plan), plan);
        return true;
      } catch (IOException | RuntimeException e) {
        LOG.error("{}: cannot start replicating it: {}", db.path(), e.getMessage());
        return false;
      }
    }

    @Override
    public void unfollow(Path db) {
      DatabaseReplication d;
      synchronized (databases) {
        d = databases.remove(db);
      }
      if (d != null) {
        watchers.remove(d);
        pools.stops().execute(() -> d.stop(UNFOLLOW_TIMEOUT));
      }
    }
  }

  /** What {@link ReplicatorBuilder#start} made and collected, for {@link #start(Plan)}. */
  record Plan(
      Pools pools,
      Launcher launcher,
      Watchers watchers,
      Duration shutdownTimeout,
      Ticker ticker,
      InstantSource clock,
      List<DbPlan> dbs,
      List<DirConfig> dirs,
      String metricsAddr) {}

  /** Starts every database and directory of {@code plan}, and metrics; stops all on a failure. */
  static Replicator start(Plan plan) throws IOException {
    Replicator r =
        new Replicator(
            plan.pools(), plan.launcher(), plan.watchers(), plan.shutdownTimeout(), plan.ticker());
    try {
      for (DbPlan db : plan.dbs()) {
        r.add(plan.launcher().start(db), db);
      }
      for (DirConfig d : plan.dirs()) {
        r.directories.add(
            DirectoryReplication.start(
                d, r.new Host(), plan.pools().capture(), plan.pools().watches()));
      }
      if (plan.metricsAddr() != null) {
        r.metrics = startMetrics(r, plan.metricsAddr(), plan.clock());
      }
    } catch (IOException | RuntimeException e) {
      r.stop(Duration.ZERO);
      throw e;
    }
    return r;
  }

  private static MetricsServer startMetrics(Replicator r, String addr, InstantSource clock)
      throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    ReplicationMetrics.register(
        registry,
        () ->
            r.databases().stream()
                .map(d -> new ReplicationMetrics.Source(d.name(), d.log(), d.shippers()))
                .toList(),
        clock);
    ValidationMetrics.register(registry, r.watchers::validations);
    MetricsServer m = MetricsServer.start(addr, registry);
    LOG.info("serving metrics on {} port {} (/metrics)", addr, m.port());
    return m;
  }
}
