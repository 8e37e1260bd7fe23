package dev.walship.agent.ship;

import java.time.Duration;
import java.util.Objects;

/**
 * When one replica ships, snapshots and prunes.
 *
 * @param syncInterval least time between two segment uploads; {@link Duration#ZERO} (the default)
 *     uploads as soon as capture has new bytes. Litestream v0.3.13 defaults to 1 s; walship ships
 *     immediately because sub-second lag is the point, and uploads coalesce anyway: whatever is
 *     captured while one upload is in flight goes into the next segment.
 * @param snapshotInterval how often a new snapshot is taken; {@link Duration#ZERO} (default): only
 *     when the replica's generation has none, or retention needs one
 * @param retention how long snapshots and segments are kept; {@link Duration#ZERO} keeps
 *     everything. Default 24 h (Litestream's).
 * @param retentionCheckInterval how often retention runs; default 1 h (Litestream's), never less
 *     often than {@code retention}
 * @param minBackoff first wait after a failed upload (default 500 ms)
 * @param maxBackoff longest wait between retries (default 30 s)
 */
public record ShipSettings(
    Duration syncInterval,
    Duration snapshotInterval,
    Duration retention,
    Duration retentionCheckInterval,
    Duration minBackoff,
    Duration maxBackoff) {

  public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ZERO;
  public static final Duration DEFAULT_SNAPSHOT_INTERVAL = Duration.ZERO;
  public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);
  public static final Duration DEFAULT_RETENTION_CHECK_INTERVAL = Duration.ofHours(1);
  public static final Duration DEFAULT_MIN_BACKOFF = Duration.ofMillis(500);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

  /** Every setting at its default. */
  public static final ShipSettings DEFAULTS =
      new ShipSettings(
          DEFAULT_SYNC_INTERVAL,
          DEFAULT_SNAPSHOT_INTERVAL,
          DEFAULT_RETENTION,
          DEFAULT_RETENTION_CHECK_INTERVAL,
          DEFAULT_MIN_BACKOFF,
          DEFAULT_MAX_BACKOFF);

  public ShipSettings {
    notNegative(syncInterval, "sync-interval");
    notNegative(snapshotInterval, "snapshot-interval");
    notNegative(retention, "retention");
    positive(retentionCheckInterval, "retention-check-interval");
    positive(minBackoff, "min backoff");
    positive(maxBackoff, "max backoff");
    if (maxBackoff.compareTo(minBackoff) < 0) {
      throw new IllegalArgumentException(
          "max backoff " + maxBackoff + " is shorter than min backoff " + minBackoff);
    }
  }

  public ShipSettings withSyncInterval(Duration d) {
    return new ShipSettings(
        d, snapshotInterval, retention, retentionCheckInterval, minBackoff, maxBackoff);
  }

  public ShipSettings withSnapshotInterval(Duration d) {
    return new ShipSettings(
        syncInterval, d, retention, retentionCheckInterval, minBackoff, maxBackoff);
  }

  public ShipSettings withRetention(Duration d, Duration checkInterval) {
    return new ShipSettings(
        syncInterval, snapshotInterval, d, checkInterval, minBackoff, maxBackoff);
  }

  public ShipSettings withBackoff(Duration min, Duration max) {
    return new ShipSettings(
        syncInterval, snapshotInterval, retention, retentionCheckInterval, min, max);
  }

  /** How often retention actually runs: the check interval, but never less often than retention. */
  Duration effectiveRetentionCheckInterval() {
    return retention.isZero() || retentionCheckInterval.compareTo(retention) <= 0
        ? retentionCheckInterval
        : retention;
  }

  private static void notNegative(Duration d, String what) {
    if (Objects.requireNonNull(d, what).isNegative()) {
      throw new IllegalArgumentException(what + " must not be negative: " + d);
    }
  }

  private static void positive(Duration d, String what) {
    if (Objects.requireNonNull(d, what).isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive: " + d);
    }
  }
}
