package dev.walship.agent.capture;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How capture runs for one database. Every setting has the default Litestream v0.3.13 uses for the
 * setting of the same name, so a {@code litestream.yml} maps onto it one to one.
 *
 * @param metaDir where capture keeps its state; null means the default {@code .<db>-replicator/}
 *     next to the database
 * @param monitorInterval {@code monitor-interval} (default 1 s): how often capture looks at the WAL
 *     when no file-change event arrived; events normally wake it within a millisecond
 * @param checkpointInterval {@code checkpoint-interval} (default 1 min): an index that holds
 *     application frames is ended (the WAL restarted) at least this often
 * @param minCheckpointPageCount {@code min-checkpoint-page-count} (default 1000, SQLite's own
 *     autocheckpoint): capture restarts the WAL once an index holds this many frames
 * @param maxCheckpointPageCount {@code max-checkpoint-page-count} (default 10000): above this,
 *     capture retries the restart on every look at the WAL and warns while application readers
 *     prevent it (it never blocks the application's writers while waiting for its readers)
 * @param busyTimeout {@code busy-timeout} (default 1 s): how long capture waits for the write lock
 *     when it needs it for a moment (restart, final capture)
 */
public record CaptureSettings(
    Path metaDir,
    Duration monitorInterval,
    Duration checkpointInterval,
    int minCheckpointPageCount,
    int maxCheckpointPageCount,
    Duration busyTimeout) {

  /** The defaults, with the meta directory next to the database. */
  public static final CaptureSettings DEFAULTS =
      new CaptureSettings(
          null, Duration.ofSeconds(1), Duration.ofMinutes(1), 1000, 10000, Duration.ofSeconds(1));

  /**
   * @throws IllegalArgumentException naming the setting that is out of range
   */
  public CaptureSettings {
    positive("monitor-interval", monitorInterval);
    positive("checkpoint-interval", checkpointInterval);
    positive("busy-timeout", busyTimeout);
    if (minCheckpointPageCount < 1) {
      throw new IllegalArgumentException(
          "min-checkpoint-page-count must be at least 1, got " + minCheckpointPageCount);
    }
    if (maxCheckpointPageCount < minCheckpointPageCount) {
      throw new IllegalArgumentException(
          "max-checkpoint-page-count ("
              + maxCheckpointPageCount
              + ") must not be below min-checkpoint-page-count ("
              + minCheckpointPageCount
              + ")");
    }
  }

  /** The same settings with another meta directory. */
  public CaptureSettings withMetaDir(Path dir) {
    return new CaptureSettings(
        dir,
        monitorInterval,
        checkpointInterval,
        minCheckpointPageCount,
        maxCheckpointPageCount,
        busyTimeout);
  }

  /** The same settings with other checkpoint page counts. */
  public CaptureSettings withCheckpointPageCounts(int min, int max) {
    return new CaptureSettings(metaDir, monitorInterval, checkpointInterval, min, max, busyTimeout);
  }

  /** The same settings with another checkpoint interval. */
  public CaptureSettings withCheckpointInterval(Duration interval) {
    return new CaptureSettings(
        metaDir,
        monitorInterval,
        interval,
        minCheckpointPageCount,
        maxCheckpointPageCount,
        busyTimeout);
  }

  /** The same settings with another monitor interval. */
  public CaptureSettings withMonitorInterval(Duration interval) {
    return new CaptureSettings(
        metaDir,
        interval,
        checkpointInterval,
        minCheckpointPageCount,
        maxCheckpointPageCount,
        busyTimeout);
  }

  /**
   * The meta directory for {@code db}: the configured one, or {@code .<name>-replicator/} beside
   * it.
   */
  public Path metaDirFor(Path db) {
    if (metaDir != null) {
      return metaDir;
    }
    Path abs = db.toAbsolutePath();
    return abs.resolveSibling("." + abs.getFileName() + "-replicator");
  }

  private static void positive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
    }
  }
}
