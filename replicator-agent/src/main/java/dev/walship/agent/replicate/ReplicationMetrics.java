package dev.walship.agent.replicate;

import dev.walship.agent.capture.ShadowLog;
import dev.walship.agent.ship.Shipper;
import dev.walship.agent.ship.ShipperStats;
import dev.walship.format.layout.Position;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The agent's Prometheus metrics, read at scrape time from capture's shadow WAL and the shippers'
 * stats (nothing is counted twice, nothing is pushed). Labels: {@code db} (database path) and
 * {@code replica} (replica name). Names are listed in docs/replicator.md ("Metrics").
 */
final class ReplicationMetrics {
  /** One database as metrics see it. */
  record Source(String db, ShadowLog log, List<Shipper> shippers) {}

  private final Supplier<List<Source>> sources;
  private final InstantSource clock;

  private ReplicationMetrics(Supplier<List<Source>> sources, InstantSource clock) {
    this.sources = sources;
    this.clock = clock;
  }

  /** Registers every metric in {@code registry}; {@code sources} is asked at each scrape. */
  static void register(
      PrometheusRegistry registry, Supplier<List<Source>> sources, InstantSource clock) {
    new ReplicationMetrics(sources, clock).registerAll(registry);
  }

  private void registerAll(PrometheusRegistry r) {
    dbGauge(
        r,
        "walship_shadow_wal_index",
        "WAL index of the end of the shadow WAL (what capture holds)",
        p -> p.index());
    dbGauge(
        r,
        "walship_shadow_wal_offset_bytes",
        "Offset of the end of the shadow WAL within its index",
        p -> p.offset());
    replicaGauge(
        r,
        "walship_replica_wal_index",
        "WAL index where the replica ends",
        (s, out) -> position(s, out, p -> p.index()));
    replicaGauge(
        r,
        "walship_replica_wal_offset_bytes",
        "Offset where the replica ends within its WAL index",
        (s, out) -> position(s, out, p -> p.offset()));
    replicaGauge(
        r,
        "walship_replica_lag_bytes",
        "Shadow WAL bytes not yet on the replica (absent while unknown)",
        (s, out) -> {
          long lag = s.lagBytes();
          if (lag >= 0) {
            out.accept((double) lag);
          }
        });
    replicaGauge(
        r,
        "walship_replica_lag_seconds",
        "Seconds the replica has been behind the shadow WAL without catching up; 0 when caught up",
        (s, out) -> {
          Instant since = s.stats().behindSince();
          out.accept(
              since == null
                  ? 0
                  : Math.max(0, Duration.between(since, clock.instant()).toNanos() / 1e9));
        });
    replicaGauge(
        r,
        "walship_replica_last_sync_timestamp_seconds",
        "Unix time of the replica's last successful upload (absent before the first)",
        (s, out) -> {
          Instant t = s.stats().lastSync();
          if (t != null) {
            out.accept(t.toEpochMilli() / 1000.0);
          }
        });
    replicaCounter(
        r, "walship_replica_wal_bytes", "WAL bytes shipped (uncompressed)", ShipperStats::walBytes);
    replicaCounter(
        r,
        "walship_replica_uploaded_bytes",
        "Bytes uploaded (LZ4-compressed segments and snapshots)",
        ShipperStats::uploadedBytes);
    replicaCounter(r, "walship_replica_segments", "WAL segments written", ShipperStats::segments);
    replicaCounter(r, "walship_replica_snapshots", "Snapshots written", ShipperStats::snapshots);
    replicaCounter(
        r,
        "walship_replica_errors",
        "Failed attempts (each retried with backoff)",
        ShipperStats::errors);
    replicaCounter(
        r,
        "walship_replica_retention_deletes",
        "Files and generations deleted by retention",
        ShipperStats::retentionDeletes);
  }

  private static void position(
      Shipper s, java.util.function.DoubleConsumer out, ToDoubleFunction<Position> f) {
    Position p = s.stats().replicaPosition();
    if (p != null) {
      out.accept(f.applyAsDouble(p));
    }
  }

  private void dbGauge(
      PrometheusRegistry r, String name, String help, ToDoubleFunction<Position> f) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("db")
        .callback(
            cb -> {
              for (Source src : sources.get()) {
                Position end = src.log().end();
                if (end != null) {
                  cb.call(f.applyAsDouble(end), src.db());
                }
              }
            })
        .register(r);
  }

  /** Calls {@code f} with every replica's shipper and the database it belongs to. */
  private void eachReplica(BiConsumer<Source, Shipper> f) {
    for (Source src : sources.get()) {
      for (Shipper s : src.shippers()) {
        f.accept(src, s);
      }
    }
  }

  private void replicaGauge(
      PrometheusRegistry r,
      String name,
      String help,
      BiConsumer<Shipper, java.util.function.DoubleConsumer> f) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("db", "replica")
        .callback(
            cb -> eachReplica((src, s) -> f.accept(s, v -> cb.call(v, src.db(), s.replica()))))
        .register(r);
  }

  private void replicaCounter(
      PrometheusRegistry r, String name, String help, ToDoubleFunction<ShipperStats> f) {
    CounterWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("db", "replica")
        .callback(
            cb ->
                eachReplica((src, s) -> cb.call(f.applyAsDouble(s.stats()), src.db(), s.replica())))
        .register(r);
  }
}
