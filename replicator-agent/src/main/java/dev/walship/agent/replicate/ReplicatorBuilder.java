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
import dev.walship.agent.work.Workers;
import dev.walship.format.store.ReplicaStore;
import dev.walship.toolkit.config.ConfigException;
import dev.walship.toolkit.time.Ticker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/** Collects databases and replicas, then {@link #start()}s. Not thread-safe. */
public final class ReplicatorBuilder {
  private final List<DbPlan> dbs = new ArrayList<>();
  private final List<DirConfig> dirs = new ArrayList<>();
  private String metricsAddr;
  private HeartbeatConfig heartbeat;
  private Duration shutdownTimeout = Replicator.DEFAULT_SHUTDOWN_TIMEOUT;
  private InstantSource clock = InstantSource.system();
  private Ticker ticker = Ticker.SYSTEM;
  private ReplicaStores stores = ReplicaStores.defaults();
  private RandomGenerator.SplittableGenerator random;
  private Capture.Factory captureFactory;
  private int threads = Workers.defaultThreads();

  ReplicatorBuilder() {}

  /** Adds a database with default capture settings; the replicas that follow belong to it. */
  public ReplicatorBuilder database(Path path) {
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
   * @throws IllegalArgumentException when an age-encrypted replica lacks the recipients to encrypt
   *     to or the identities to read back what it wrote
   */
  public ReplicatorBuilder database(DbConfig db) {
    dbs.add(Launcher.plan(db));
    return this;
  }

  /**
   * Adds a directory of databases ({@code dir:}): every database it covers now, and with {@code
   * watch:} those created later, until they are deleted.
   *
   * @throws IllegalArgumentException as {@link #database(DbConfig)}
   */
  public ReplicatorBuilder directory(DirConfig dir) {
    Launcher.plan(dir.settings()); // checks the replicas' keys once
    dirs.add(dir);
    return this;
  }

  /**
   * A replica in {@code store}, named {@code replica} (then {@code replica2}, …), default timing.
   */
  public ReplicatorBuilder replica(ReplicaStore store) {
    int n = current().replicas().size() + 1;
    return replica(n == 1 ? "replica" : "replica" + n, store, ShipSettings.DEFAULTS);
  }

  /**
   * A replica in {@code store}; {@code name} must be unique for the database and stable over
   * restarts.
   */
  public ReplicatorBuilder replica(String name, ReplicaStore store, ShipSettings settings) {
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
   * Checks the replica added last every {@code interval} ({@code validation-interval}): restores it
   * in the background and compares it with the database at the same position; zero: never.
   */
  public ReplicatorBuilder validation(Duration interval) {
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
  public ReplicatorBuilder replica(String url) {
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
  public ReplicatorBuilder metrics(String addr) {
    MetricsServer.address(addr);
    this.metricsAddr = addr;
    return this;
  }

  /**
   * Sends an HTTP GET to the heartbeat's URL at most once per its interval while every replica
   * holds what was captured and answers ({@code heartbeat-url}, {@code heartbeat-interval}).
   */
  public ReplicatorBuilder heartbeat(HeartbeatConfig heartbeat) {
    this.heartbeat = Objects.requireNonNull(heartbeat);
    return this;
  }

  /** How long {@link Replicator#close()} waits for replicas to receive what was captured. */
  public ReplicatorBuilder shutdownTimeout(Duration timeout) {
    this.shutdownTimeout = Objects.requireNonNull(timeout);
    return this;
  }

  /** The clock behind mtimes, intervals and retention (default: the system clock). */
  public ReplicatorBuilder clock(InstantSource clock) {
    this.clock = Objects.requireNonNull(clock);
    return this;
  }

  /**
   * Where the stores of replicas given by configuration are opened (default: every type's
   * defaults).
   */
  public ReplicatorBuilder stores(ReplicaStores stores) {
    this.stores = Objects.requireNonNull(stores);
    return this;
  }

  /** The source of elapsed time behind deadlines and waits (default: {@link System#nanoTime()}). */
  public ReplicatorBuilder ticker(Ticker ticker) {
    this.ticker = Objects.requireNonNull(ticker);
    return this;
  }

  /** The randomness behind retry jitter (default: a new random generator); split per replica. */
  public ReplicatorBuilder random(RandomGenerator.SplittableGenerator random) {
    this.random = Objects.requireNonNull(random);
    return this;
  }

  ReplicatorBuilder captureFactory(Capture.Factory factory) {
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
   * How many threads run capture ({@link Workers#defaultThreads()} by default); shipping runs on as
   * many, at least {@link Workers#SHIP_THREADS}.
   */
  public ReplicatorBuilder threads(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + n);
    }
    this.threads = n;
    return this;
  }

  /**
   * Opens the replicas, starts capture and shipping for every database and directory, and metrics.
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
    return Replicator.start(
        new Replicator.Plan(
            pools,
            launcher,
            Watchers.start(heartbeat, clock, ticker),
            shutdownTimeout,
            ticker,
            clock,
            List.copyOf(dbs),
            List.copyOf(dirs),
            metricsAddr));
  }
}
