package dev.walship.agent.replicate;

import dev.walship.agent.config.AgeReplicaConfig;
import dev.walship.agent.config.DbConfig;
import dev.walship.agent.config.ReplicaConfig;
import dev.walship.agent.config.ReplicaTiming;
import dev.walship.agent.ship.ShipEnvironment;
import dev.walship.agent.ship.ShipSettings;
import dev.walship.agent.ship.Shipper;
import dev.walship.agent.store.ReplicaStores;
import dev.walship.agent.work.Workers;
import dev.walship.format.store.ReplicaStore;
import dev.walship.format.store.ReplicaStoreException;
import dev.walship.toolkit.time.Ticker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one database's replication: opens its replicas' stores (through the one {@link
 * ReplicaStores}, so SFTP replicas to one server share a connection), starts its capture and its
 * shippers on the shared pools. Used for the databases a config lists and those a directory entry
 * finds while running.
 */
final class Launcher {
  private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);

  /**
   * A replica to start: an open store given by a Java caller, or a config to open one from; how
   * often to validate it ({@code validation-interval}; zero: never).
   */
  record ReplicaPlan(
      String name,
      ReplicaStore store,
      ReplicaConfig config,
      ShipSettings settings,
      Duration validation) {}

  /** A database to start. */
  record DbPlan(DbConfig config, List<ReplicaPlan> replicas) {}

  private final ReplicaStores stores;
  private final Supplier<Capture.Factory> captures;
  private final InstantSource clock;
  private final Ticker ticker;
  private final Supplier<RandomGenerator> random;
  private final Workers shipWorkers;

  Launcher(
      ReplicaStores stores,
      Supplier<Capture.Factory> captures,
      InstantSource clock,
      Ticker ticker,
      Supplier<RandomGenerator> random,
      Workers shipWorkers) {
    this.stores = stores;
    this.captures = captures;
    this.clock = clock;
    this.ticker = ticker;
    this.random = random;
    this.shipWorkers = shipWorkers;
  }

  /**
   * The plan for a database as a config file describes it.
   *
   * @throws IllegalArgumentException when an age-encrypted replica lacks the recipients to encrypt
   *     to or the identities to read back what it wrote
   */
  static DbPlan plan(DbConfig db) {
    List<ReplicaPlan> replicas = new ArrayList<>();
    for (ReplicaConfig r : db.replicas()) {
      checkAge(r);
      replicas.add(
          new ReplicaPlan(
              r.name(), null, r, settings(r.timing()), r.timing().validationInterval()));
    }
    return new DbPlan(db, replicas);
  }

  private static void checkAge(ReplicaConfig r) {
    if (r instanceof AgeReplicaConfig a && !a.keys().canEncrypt()) {
      throw new IllegalArgumentException(
          a.where()
              + ": replicate needs recipients: (age1…) to encrypt to;"
              + " identities alone only restore");
    }
    if (r instanceof AgeReplicaConfig a && !a.keys().canDecrypt()) {
      throw new IllegalArgumentException(
          a.where()
              + ": replicate needs identities: (AGE-SECRET-KEY-1…) too,"
              + " to read back the replica's last segment when it resumes");
    }
  }

  static ShipSettings settings(ReplicaTiming t) {
    return new ShipSettings(
        t.syncInterval(),
        t.snapshotInterval(),
        t.retention(),
        t.retentionCheckInterval(),
        ShipSettings.DEFAULT_MIN_BACKOFF,
        ShipSettings.DEFAULT_MAX_BACKOFF);
  }

  /** Opens the replicas, starts capture and the shippers. */
  DatabaseReplication start(DbPlan db) throws IOException {
    String name = db.config().path().toString();
    if (db.replicas().isEmpty()) {
      throw new IllegalStateException(name + ": no replicas");
    }
    List<ReplicaStore> owned = new ArrayList<>();
    Capture capture = null;
    try {
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
      capture = captures.get().start(db.config());
      Path spool = capture.spoolDir();
      List<Shipper> shippers = new ArrayList<>();
      for (int i = 0; i < opened.size(); i++) {
        ReplicaPlan r = db.replicas().get(i);
        ShipEnvironment env = new ShipEnvironment(clock, ticker, random.get(), null, spool);
        shippers.add(new Shipper(name, r.name(), opened.get(i), capture.log(), r.settings(), env));
        LOG.info(
            "replicating {} to {} (replica \"{}\", sync-interval {})",
            name,
            opened.get(i).location(),
            r.name(),
            r.settings().syncInterval().isZero() ? "0: at once" : r.settings().syncInterval());
      }
      DatabaseReplication d = new DatabaseReplication(name, capture, shippers, owned, ticker);
      d.start(shipWorkers);
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

  /**
   * Checks a replica's store now (an SFTP replica connects): a refusal that needs the operator
   * (unknown or changed host key, login refused, unusable key) stops the start with its message; a
   * server that is merely down does not (its shipper retries).
   */
  private static void checkReachable(String db, String replica, ReplicaStore store)
      throws IOException {
    try {
      store.checkAccess();
    } catch (ReplicaStoreException e) {
      if (e.permanent()) {
        throw e;
      }
      LOG.warn("{} [{}]: {} (replication starts anyway and retries)", db, replica, e.getMessage());
    }
  }
}
