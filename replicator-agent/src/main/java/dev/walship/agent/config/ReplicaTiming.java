package dev.walship.agent.config;

import java.time.Duration;
import java.util.Objects;

/**
 * When a replica ships, snapshots, prunes and validates. Defaults are Litestream v0.3.13's ({@code
 * replica.go}: {@code DefaultRetention}, {@code DefaultRetentionCheckInterval}; snapshot and
 * validation intervals are unset, i.e. zero), except {@code sync-interval}: Litestream waits 1 s
 * ({@code DefaultSyncInterval}); walship ships as soon as frames are captured, since millisecond
 * lag is its point (uploads coalesce under load anyway; see {@code agent.ship}).
 *
 * @param retention how long snapshots and WAL segments are kept; {@link Duration#ZERO} keeps
 *     everything (Litestream disables retention when it is not positive)
 * @param retentionCheckInterval how often retention runs; positive (Litestream never checks more
 *     rarely than {@code retention})
 * @param syncInterval the least time between two uploads; zero uploads as soon as frames exist
 * @param snapshotInterval how often a new snapshot is taken; zero: only when a generation has none
 * @param validationInterval how often the replica is restored and compared; zero: never
 */
public record ReplicaTiming(
    Duration retention,
    Duration retentionCheckInterval,
    Duration syncInterval,
    Duration snapshotInterval,
    Duration validationInterval) {

  public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);
  public static final Duration DEFAULT_RETENTION_CHECK_INTERVAL = Duration.ofHours(1);
  public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ZERO;
  public static final Duration DEFAULT_SNAPSHOT_INTERVAL = Duration.ZERO;
  public static final Duration DEFAULT_VALIDATION_INTERVAL = Duration.ZERO;

  /** Every setting at its default. */
  public static final ReplicaTiming DEFAULTS =
      new ReplicaTiming(
          DEFAULT_RETENTION,
          DEFAULT_RETENTION_CHECK_INTERVAL,
          DEFAULT_SYNC_INTERVAL,
          DEFAULT_SNAPSHOT_INTERVAL,
          DEFAULT_VALIDATION_INTERVAL);

  public ReplicaTiming {
    notNegative(retention, "retention");
    notNegative(syncInterval, "sync-interval");
    notNegative(snapshotInterval, "snapshot-interval");
    notNegative(validationInterval, "validation-interval");
    if (Objects.requireNonNull(retentionCheckInterval).isNegative()
        || retentionCheckInterval.isZero()) {
      throw new IllegalArgumentException(
          "retention-check-interval must be positive: " + retentionCheckInterval);
    }
  }

  private static void notNegative(Duration d, String what) {
    if (Objects.requireNonNull(d, what).isNegative()) {
      throw new IllegalArgumentException(what + " must not be negative: " + d);
    }
  }
}
