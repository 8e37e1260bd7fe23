package dev.walship.agent.replicate;

import dev.walship.agent.capture.ShadowLog;
import dev.walship.agent.ship.Shipper;
import dev.walship.agent.work.Workers;
import dev.walship.format.layout.Position;
import dev.walship.format.store.ReplicaStore;
import dev.walship.toolkit.time.Ticker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One database: its capture engine and one shipper per replica, as jobs on the shared pools.
 * Stopping ships what is captured to every replica in parallel, within one deadline.
 */
final class DatabaseReplication {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseReplication.class);

  private final String name;
  private final Capture capture;
  private final List<Shipper> shippers;
  private final List<ReplicaStore> ownedStores;
  private final Ticker ticker;

  DatabaseReplication(
      String name,
      Capture capture,
      List<Shipper> shippers,
      List<ReplicaStore> ownedStores,
      Ticker ticker) {
    this.ticker = ticker;
    this.name = name;
    this.capture = capture;
    this.shippers = List.copyOf(shippers);
    this.ownedStores = List.copyOf(ownedStores);
  }

  String name() {
    return name;
  }

  ShadowLog log() {
    return capture.log();
  }

  List<Shipper> shippers() {
    return shippers;
  }

  /** Starts the shippers as jobs on {@code workers}. */
  void start(Workers workers) {
    shippers.forEach(s -> s.start(workers));
  }

  /**
   * Waits until every replica holds what is captured now (once capture has looked at the database
   * at all: right after a start, what the database already holds); false on timeout.
   */
  boolean sync(Duration timeout) throws InterruptedException {
    long deadline = ticker.read() + timeout.toNanos();
    while (!capture.started()) {
      if (ticker.until(deadline) <= 0) {
        return false;
      }
      Thread.sleep(1);
    }
    Position target = capture.log().end();
    if (target == null) {
      return true;
    }
    for (Shipper s : shippers) {
      while (!reached(s, target)) {
        if (ticker.until(deadline) <= 0) {
          return false;
        }
        Thread.sleep(1);
      }
    }
    return true;
  }

  private static boolean reached(Shipper s, Position target) {
    Position p = s.stats().replicaPosition();
    return p != null && p.generation().equals(target.generation()) && p.compareTo(target) >= 0;
  }

  /**
   * Captures the last committed frames, ships them to every replica (all at once, at most {@code
   * timeout}), then closes capture and the stores this replication opened.
   *
   * @return true when every replica holds everything captured
   */
  boolean stop(Duration timeout) {
    try {
      capture.finish();
    } catch (IOException | RuntimeException e) {
      LOG.warn("{}: final capture failed: {}", name, e.getMessage());
    }
    List<CompletableFuture<Boolean>> stops = new ArrayList<>();
    for (Shipper s : shippers) {
      stops.add(
          CompletableFuture.supplyAsync(
              () -> stopOne(s, timeout),
              r -> {
                Thread t = new Thread(r, "walship-stop-" + s.replica());
                t.setDaemon(true);
                t.start();
              }));
    }
    boolean all = stops.stream().map(CompletableFuture::join).reduce(true, Boolean::logicalAnd);
    closeQuietly();
    return all;
  }

  private static boolean stopOne(Shipper s, Duration timeout) {
    try {
      return s.stop(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void closeQuietly() {
    try {
      capture.close();
    } catch (IOException | RuntimeException e) {
      LOG.warn("{}: closing capture: {}", name, e.getMessage());
    }
    for (ReplicaStore store : ownedStores) {
      try {
        store.close();
      } catch (IOException | RuntimeException e) {
        LOG.warn("{}: closing {}: {}", name, store.location(), e.getMessage());
      }
    }
  }
}
