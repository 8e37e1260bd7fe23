package dev.walship.agent.replicate;

import dev.walship.agent.config.AgeReplicaConfig;
import dev.walship.toolkit.config.ConfigException;
import dev.walship.agent.config.ConfigLoader;
import dev.walship.agent.config.DbConfig;
import dev.walship.agent.config.PathExpander;
import dev.walship.agent.config.ReplicaConfig;
import dev.walship.agent.config.ReplicaTiming;
import dev.walship.agent.ship.ShipEnvironment;
import dev.walship.agent.ship.ShipSettings;
import dev.walship.agent.ship.Shipper;
import dev.walship.agent.config.HeartbeatConfig;
import dev.walship.agent.store.ReplicaStores;
import dev.walship.agent.verify.ValidationLoop;
import dev.walship.agent.verify.ValidationMetrics;
import dev.walship.format.store.ReplicaStore;
import dev.walship.format.store.ReplicaStoreException;
import dev.walship.toolkit.time.Ticker;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicates SQLite databases continuously: per database one capture engine, per replica one
 * shipper on its own thread. The {@code replicate} command and Java applications use the same
 * engine:
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

  private final List<DatabaseReplication> databases;
  private final Watchers watchers;
  private final MetricsServer metrics;
  private final Duration shutdownTimeout;
  private final Ticker ticker;
  private boolean closed;

  private Replicator(List<DatabaseReplication> databases, Watchers watchers, MetricsServer metrics,
      Duration shutdownTimeout, Ticker ticker) {
    this.watchers = watchers;
    this.databases = List.copyOf(databases);
    this.metrics = metrics;
    this.shutdownTimeout = shutdownTimeout;
    this.ticker = ticker;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Waits until every replica holds everything captured so far (what was committed a moment
   * ago). Right after {@link Builder#start} it first waits for capture to attach to each database.
   *
   * @return false when {@code timeout} passed first (also when a database does not exist)
   */
  public boolean sync(Duration timeout) throws InterruptedException {
    long deadline = ticker.read() + timeout.toNanos();
    for (DatabaseReplication d : databases) {
      if (!d.sync(Duration.ofNanos(Math.max(0, ticker.until(deadline))))) {
        return false;
      }
    }
    return true;
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
    watchers.close();
    List<Thread> threads = new ArrayList<>();
    boolean[] ok = new boolean[databases.size()];
    for (int i = 0; i < databases.size(); i++) {
      int n = i;
      Thread t = new Thread(() -> ok[n] = databases.get(n).stop(timeout), "walship-stop-" + n);
      t.start();
      threads.add(t);
    }
    boolean all = true;
    for (int i = 0; i < threads.size(); i++) {
      try {
        threads.get(i).join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      all &= ok[i];
    }
    if (metrics != null) {
      metrics.close();
    }
    LOG.info(all ? "replication stopped; every replica holds what was captured"
        : "replication stopped; some replicas did not receive everything (see above)");
    return all;
  }

  /** {@link #stop} with the shutdown timeout. */
  @Override
  public void close() {
    stop(shutdownTimeout);
  }

  List<DatabaseReplication> databases() {
    return databases;
  }

  /** The {@code validation-interval} loops, one per replica that has one. */
  public List<ValidationLoop> validations() {
    return watchers.validations();
  }

  /** Collects databases and replicas, then {@link #start()}s. Not thread-safe. */
  public static final class Builder {
    private record ReplicaPlan(
        String name, ReplicaStore store, ReplicaConfig config, ShipSettings settings, Duration validation) {}

    private record DbPlan(DbConfig config, List<ReplicaPlan> replicas) {}

    private final List<DbPlan> dbs = new ArrayList<>();
    private String metricsAddr;
    private HeartbeatConfig heartbeat;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private InstantSource clock = InstantSource.system();
    private Ticker ticker = Ticker.SYSTEM;
    private ReplicaStores stores = ReplicaStores.defaults();
    private RandomGenerator.SplittableGenerator random;
    private Capture.Factory captureFactory;

    private Builder() {}

    /** Adds a database with default capture settings; the replicas that follow belong to it. */
    public Builder database(Path path) {
      Path p = path.toAbsolutePath().normalize();
      return database(new DbConfig(p, DbConfig.defaultMetaPath(p), DbConfig.DEFAULT_MONITOR_INTERVAL,
          DbConfig.DEFAULT_CHECKPOINT_INTERVAL, DbConfig.DEFAULT_MIN_CHECKPOINT_PAGE_COUNT,
          DbConfig.DEFAULT_MAX_CHECKPOINT_PAGE_COUNT, List.of()));
    }

    /**
     * Adds a database as a config file describes it, with its replicas.
     *
     * @throws IllegalArgumentException when an age-encrypted replica lacks the recipients to
     *     encrypt to or the identities to read back what it wrote
     */
    public Builder database(DbConfig db) {
      List<ReplicaPlan> replicas = new ArrayList<>();
      for (ReplicaConfig r : db.replicas()) {
        checkAge(r);
        replicas.add(new ReplicaPlan(r.name(), null, r, settings(r.timing()), r.timing().validationInterval()));
      }
      dbs.add(new DbPlan(db, replicas));
      return this;
    }

    private static void checkAge(ReplicaConfig r) {
      if (r instanceof AgeReplicaConfig a && !a.keys().canEncrypt()) {
        throw new IllegalArgumentException(a.where() + ": replicate needs recipients: (age1…) to encrypt to;"
            + " identities alone only restore");
      }
      if (r instanceof AgeReplicaConfig a && !a.keys().canDecrypt()) {
        throw new IllegalArgumentException(a.where() + ": replicate needs identities: (AGE-SECRET-KEY-1…) too,"
            + " to read back the replica's last segment when it resumes");
      }
    }

    /** A replica in {@code store}, named {@code replica} (then {@code replica2}, …), default timing. */
    public Builder replica(ReplicaStore store) {
      int n = current().replicas().size() + 1;
      return replica(n == 1 ? "replica" : "replica" + n, store, ShipSettings.DEFAULTS);
    }

    /** A replica in {@code store}; {@code name} must be unique for the database and stable over restarts. */
    public Builder replica(String name, ReplicaStore store, ShipSettings settings) {
      current().replicas().add(new ReplicaPlan(Objects.requireNonNull(name), Objects.requireNonNull(store), null,
          Objects.requireNonNull(settings), Duration.ZERO));
      return this;
    }

    /**
     * Checks the replica added last every {@code interval} ({@code validation-interval}): restores it
     * in the background and compares it with the database at the same position; zero: never.
     */
    public Builder validation(Duration interval) {
      List<ReplicaPlan> rs = current().replicas();
      if (rs.isEmpty()) {
        throw new IllegalStateException("add a replica before its validation interval");
      }
      ReplicaPlan r = rs.remove(rs.size() - 1);
      rs.add(new ReplicaPlan(r.name(), r.store(), r.config(), r.settings(), Objects.requireNonNull(interval)));
      return this;
    }

    /**
     * A replica at {@code file:///dir} or {@code sftp://user@host[:port]/path} with default timing,
     * named after its type. (An SFTP server's key must be known from {@code ~/.ssh/known_hosts}; to
     * pin it, pass a {@code ReplicaConfig} via {@link #database(DbConfig)}.)
     */
    public Builder replica(String url) {
      try {
        ReplicaConfig r = new ConfigLoader(System.getenv(), PathExpander.ofSystem()).replicaFromUrl(url);
        current().replicas().add(
            new ReplicaPlan(r.name(), null, r, settings(r.timing()), r.timing().validationInterval()));
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

    /** Where the stores of replicas given by configuration are opened (default: every type's defaults). */
    public Builder stores(ReplicaStores stores) {
      this.stores = Objects.requireNonNull(stores);
      return this;
    }

    /** The source of elapsed time behind deadlines and waits (default: {@link System#nanoTime()}). */
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
      return dbs.get(dbs.size() - 1);
    }

    private RandomGenerator newRandom() {
      return random != null ? random.split() : RandomGenerator.of("L64X128MixRandom");
    }

    private static Clock clockOf(InstantSource s) {
      return s instanceof Clock c ? c : s.withZone(ZoneOffset.UTC);
    }

    static ShipSettings settings(ReplicaTiming t) {
      return new ShipSettings(t.syncInterval(), t.snapshotInterval(), t.retention(), t.retentionCheckInterval(),
          ShipSettings.DEFAULT_MIN_BACKOFF, ShipSettings.DEFAULT_MAX_BACKOFF);
    }

    /** Opens the replicas, starts capture and shipping for every database, and metrics. */
    public Replicator start() throws IOException {
      List<DatabaseReplication> started = new ArrayList<>();
      Watchers watchers = null;
      MetricsServer metrics = null;
      try {
        List<Watchers.Db> watched = new ArrayList<>();
        for (DbPlan db : dbs) {
          DatabaseReplication d = startDatabase(db);
          started.add(d);
          watched.add(new Watchers.Db(db.config().metaPath(), db.replicas().stream().map(ReplicaPlan::validation).toList(), d));
        }
        watchers = Watchers.start(watched, heartbeat, clock, ticker);
        if (metricsAddr != null) {
          PrometheusRegistry registry = new PrometheusRegistry();
          List<ReplicationMetrics.Source> sources = started.stream()
              .map(d -> new ReplicationMetrics.Source(d.name(), d.log(), d.shippers())).toList();
          ReplicationMetrics.register(registry, () -> sources, clock);
          ValidationMetrics.register(registry, watchers::validations);
          metrics = MetricsServer.start(metricsAddr, registry);
          LOG.info("serving metrics on {} port {} (/metrics)", metricsAddr, metrics.port());
        }
      } catch (IOException | RuntimeException e) {
        if (watchers != null) {
          watchers.close();
        }
        for (DatabaseReplication d : started) {
          d.stop(Duration.ZERO);
        }
        throw e;
      }
      return new Replicator(started, watchers, metrics, shutdownTimeout, ticker);
    }

    /**
     * Checks a replica's store now (an SFTP replica connects): a refusal that needs the operator (unknown or changed host
     * key, login refused, unusable key) stops the start with its message; a server that is merely
     * down does not (its shipper retries).
     */
    private static void checkReachable(String db, String replica, ReplicaStore store) throws IOException {
      try {
        store.checkAccess();
      } catch (ReplicaStoreException e) {
        if (e.permanent()) {
          throw e;
        }
        LOG.warn("{} [{}]: {} (replication starts anyway and retries)", db, replica, e.getMessage());
      }
    }

    private DatabaseReplication startDatabase(DbPlan db) throws IOException {
      String name = db.config().path().toString();
      if (db.replicas().isEmpty()) {
        throw new IllegalStateException(name + ": no replicas");
      }
      List<ReplicaStore> owned = new ArrayList<>();
      Capture capture = null;
      try {
        List<Shipper> shippers = new ArrayList<>();
        List<ReplicaStore> opened = new ArrayList<>();
        for (ReplicaPlan r : db.replicas()) {
          ReplicaStore store = r.store();
          if (store == null) {
            store = stores.open(r.config());
            owned.add(store);
            checkReachable(name, r.name(), store);
          }
          opened.add(store);
        }
        capture = (captureFactory != null ? captureFactory
            : Captures.real(clockOf(clock), ticker, newRandom()))
            .start(db.config());
        Path spool = capture.spoolDir();
        for (int i = 0; i < opened.size(); i++) {
          ReplicaPlan r = db.replicas().get(i);
          ShipEnvironment env = new ShipEnvironment(clock, ticker, newRandom(), null, spool);
          shippers.add(new Shipper(name, r.name(), opened.get(i), capture.log(), r.settings(), env));
          LOG.info("replicating {} to {} (replica \"{}\", sync-interval {})", name, opened.get(i).location(),
              r.name(), r.settings().syncInterval().isZero() ? "0: at once" : r.settings().syncInterval());
        }
        DatabaseReplication d = new DatabaseReplication(name, capture, shippers, owned, ticker);
        d.start();
        return d;
      } catch (IOException | RuntimeException e) {
        if (capture != null) {
          capture.close();
        }
        for (ReplicaStore s : owned) {
          s.close();
        }
        throw e;
      }
    }
  }
}
