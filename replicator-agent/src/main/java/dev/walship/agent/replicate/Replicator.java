package dev.walship.agent.replicate;

import dev.walship.agent.config.ConfigLoader;
import dev.walship.agent.config.DbConfig;
import dev.walship.agent.config.DirConfig;
import dev.walship.agent.config.HeartbeatConfig;
import dev.walship.agent.config.PathExpander;
import dev.walship.agent.config.ReplicaConfig;
import dev.walship.agent.replicate.Launcher.DbPlan;
import dev.walship.agent.ship.ShipSettings;
import dev.walship.agent.store.ReplicaStores;
import dev.walship.agent.verify.ValidationLoop;
import dev.walship.agent.verify.ValidationMetrics;
import dev.walship.agent.work.Workers;
import dev.walship.format.store.ReplicaStore;
import dev.walship.toolkit.config.ConfigException;
import dev.walship.toolkit.time.Ticker;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.random.RandomGenerator;
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

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Waits until every replica holds everything captured so far (what was committed a moment ago).
   * Right after {@link Builder#start} it first waits for capture to attach to each database.
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

  /** Collects databases and replicas, then {@link #start()}s. Not thread-safe. */
  public static final class Builder {
    private final List<DbPlan> dbs = new ArrayList<>();
    private final List<DirConfig> dirs = new ArrayList<>();
    private String metricsAddr;
    private HeartbeatConfig heartbeat;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private InstantSource clock = InstantSource.system();
    private Ticker ticker = Ticker.SYSTEM;
    private ReplicaStores stores = ReplicaStores.defaults();
    private RandomGenerator.SplittableGenerator random;
    private Capture.Factory captureFactory;
    private int threads = Workers.defaultThreads();

    private Builder() {}

    /** Adds a database with default capture settings; the replicas that follow belong to it. */
    public Builder database(Path path) {
      Path p = path.toAbsolutePath().normalize();
      return database(
          new DbConfig(
              p,
              DbConfig.defaultMetaPath(p),
              DbConfig.DEFAULT_MONITOR_INTERVAL,
              DbConfig.DEFAULT_CHECKPOINT_INTERVAL,
              DbConfig.DEFAULT_MIN_CHECKPOINT_PAGE_COUNT,
              DbConfig.DEFAULT_MAX_CHECKPOINT_PAGE_COUNT,
              List.of()));
    }

    /**
     * Adds a database as a config file describes it, with its replicas.
     *
     * @throws IllegalArgumentException when an age-encrypted replica lacks the recipients to
     *     encrypt to or the identities to read back what it wrote
     */
    public Builder database(DbConfig db) {
      dbs.add(Launcher.plan(db));
      return this;
    }

    /**
     * Adds a directory of databases ({@code dir:}): every database it covers now, and with {@code
     * watch:} those created later, until they are deleted.
     *
     * @throws IllegalArgumentException as {@link #database(DbConfig)}
     */
    public Builder directory(DirConfig dir) {
      Launcher.plan(dir.settings()); // checks the replicas' keys once
      dirs.add(dir);
      return this;
    }

    /**
     * A replica in {@code store}, named {@code replica} (then {@code replica2}, …), default timing.
     */
    public Builder replica(ReplicaStore store) {
      int n = current().replicas().size() + 1;
      return replica(n == 1 ? "replica" : "replica" + n, store, ShipSettings.DEFAULTS);
    }

    /**
     * A replica in {@code store}; {@code name} must be unique for the database and stable over
     * restarts.
     */
    public Builder replica(String name, ReplicaStore store, ShipSettings settings) {
      current()
          .replicas()
          .add(
              new Launcher.ReplicaPlan(
                  Objects.requireNonNull(name),
                  Objects.requireNonNull(store),
                  null,
                  Objects.requireNonNull(settings),
                  Duration.ZERO));
      return this;
    }

    /**
     * Checks the replica added last every {@code interval} ({@code validation-interval}): restores
     * it in the background and compares it with the database at the same position; zero: never.
     */
    public Builder validation(Duration interval) {
      List<Launcher.ReplicaPlan> rs = current().replicas();
      if (rs.isEmpty()) {
        throw new IllegalStateException("add a replica before its validation interval");
      }
      Launcher.ReplicaPlan r = rs.remove(rs.size() - 1);
      rs.add(
          new Launcher.ReplicaPlan(
              r.name(), r.store(), r.config(), r.settings(), Objects.requireNonNull(interval)));
      return this;
    }

    /**
     * A replica at {@code file:///dir} or {@code sftp://user@host[:port]/path} with default timing,
     * named after its type. (An SFTP server's key must be known from {@code ~/.ssh/known_hosts}; to
     * pin it, pass a {@code ReplicaConfig} via {@link #database(DbConfig)}.)
     */
    public Builder replica(String url) {
      try {
        ReplicaConfig r =
            new ConfigLoader(System.getenv(), PathExpander.ofSystem()).replicaFromUrl(url);
        current()
            .replicas()
            .add(
                new Launcher.ReplicaPlan(
                    r.name(),
                    null,
                    r,
                    Launcher.settings(r.timing()),
                    r.timing().validationInterval()));
      } catch (ConfigException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      return this;
    }

    /** Serves Prometheus metrics on {@code addr} ({@code host:port} or {@code :port}). */
    public Builder metrics(String addr) {
      MetricsServer.address(addr);
      this.metricsAddr = addr;
      return this;
    }

    /**
     * Sends an HTTP GET to the heartbeat's URL at most once per its interval while every replica
     * holds what was captured and answers ({@code heartbeat-url}, {@code heartbeat-interval}).
     */
    public Builder heartbeat(HeartbeatConfig heartbeat) {
      this.heartbeat = Objects.requireNonNull(heartbeat);
      return this;
    }

    /** How long {@link Replicator#close()} waits for replicas to receive what was captured. */
    public Builder shutdownTimeout(Duration timeout) {
      this.shutdownTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    /** The clock behind mtimes, intervals and retention (default: the system clock). */
    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /**
     * Where the stores of replicas given by configuration are opened (default: every type's
     * defaults).
     */
    public Builder stores(ReplicaStores stores) {
      this.stores = Objects.requireNonNull(stores);
      return this;
    }

    /**
     * The source of elapsed time behind deadlines and waits (default: {@link System#nanoTime()}).
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker);
      return this;
    }

    /** The randomness behind retry jitter (default: a new random generator); split per replica. */
    public Builder random(RandomGenerator.SplittableGenerator random) {
      this.random = Objects.requireNonNull(random);
      return this;
    }

    Builder captureFactory(Capture.Factory factory) {
      this.captureFactory = factory;
      return this;
    }

    private DbPlan current() {
      if (dbs.isEmpty()) {
        throw new IllegalStateException("add a database before its replicas");
      }
      return dbs.get(dbs.size() - 1); // its replicas: a mutable list (Launcher.plan)
    }

    private RandomGenerator newRandom() {
      return random != null ? random.split() : RandomGenerator.of("L64X128MixRandom");
    }

    private static Clock clockOf(InstantSource s) {
      return s instanceof Clock c ? c : s.withZone(ZoneOffset.UTC);
    }

    /**
     * How many threads run capture ({@link Workers#defaultThreads()} by default); shipping runs on
     * as many, at least {@link Workers#SHIP_THREADS}.
     */
    public Builder threads(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("threads must be at least 1, got " + n);
      }
      this.threads = n;
      return this;
    }

    /**
     * Opens the replicas, starts capture and shipping for every database and directory, and
     * metrics.
     */
    public Replicator start() throws IOException {
      Pools pools = Pools.start(threads);
      Clock c = clockOf(clock);
      Launcher launcher =
          new Launcher(
              stores,
              () ->
                  captureFactory != null
                      ? captureFactory
                      : Captures.real(c, ticker, newRandom(), pools.capture(), pools.watches()),
              clock,
              ticker,
              this::newRandom,
              pools.ship());
      Replicator r =
          new Replicator(
              pools, launcher, Watchers.start(heartbeat, clock, ticker), shutdownTimeout, ticker);
      try {
        for (DbPlan db : dbs) {
          r.add(launcher.start(db), db);
        }
        for (DirConfig d : dirs) {
          r.directories.add(
              DirectoryReplication.start(d, r.new Host(), pools.capture(), pools.watches()));
        }
        if (metricsAddr != null) {
          PrometheusRegistry registry = new PrometheusRegistry();
          ReplicationMetrics.register(
              registry,
              () ->
                  r.databases().stream()
                      .map(d -> new ReplicationMetrics.Source(d.name(), d.log(), d.shippers()))
                      .toList(),
              clock);
          ValidationMetrics.register(registry, r.watchers::validations);
          r.metrics = MetricsServer.start(metricsAddr, registry);
          LOG.info("serving metrics on {} port {} (/metrics)", metricsAddr, r.metrics.port());
        }
      } catch (IOException | RuntimeException e) {
        r.stop(Duration.ZERO);
        throw e;
      }
      return r;
    }
  }
}
