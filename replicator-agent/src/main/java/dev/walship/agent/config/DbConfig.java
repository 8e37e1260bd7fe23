package dev.walship.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One database and its replicas. Defaults are Litestream v0.3.13's ({@code db.go}: {@code
 * DefaultMonitorInterval}, {@code DefaultCheckpointInterval}, {@code DefaultMinCheckpointPageN},
 * {@code DefaultMaxCheckpointPageN}); the meta directory is ours (docs/design.md §4).
 *
 * @param path the database file, absolute and normalized
 * @param metaPath the agent's state directory; {@code .<db>-replicator} beside the database by
 *     default
 * @param monitorInterval how often the database is checked for changes when no file event came;
 *     positive
 * @param checkpointInterval time after which a WAL with frames is checkpointed even below {@code
 *     minCheckpointPageCount}; zero: never by time
 * @param minCheckpointPageCount WAL size in pages at which the agent checkpoints (PASSIVE); at
 *     least 1
 * @param maxCheckpointPageCount WAL size in pages at which the agent forces a checkpoint; zero:
 *     never forced; otherwise at least {@code minCheckpointPageCount}
 * @param replicas the replicas, names unique
 */
public record DbConfig(
    Path path,
    Path metaPath,
    Duration monitorInterval,
    Duration checkpointInterval,
    int minCheckpointPageCount,
    int maxCheckpointPageCount,
    List<ReplicaConfig> replicas) {

  public static final Duration DEFAULT_MONITOR_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofMinutes(1);
  public static final int DEFAULT_MIN_CHECKPOINT_PAGE_COUNT = 1000;
  public static final int DEFAULT_MAX_CHECKPOINT_PAGE_COUNT = 10000;

  /** Suffix of the default meta directory's name (Litestream's is {@code -litestream}). */
  public static final String META_DIR_SUFFIX = "-replicator";

  public DbConfig {
    if (!path.isAbsolute() || !metaPath.isAbsolute()) {
      throw new IllegalArgumentException("paths must be absolute: " + path + ", " + metaPath);
    }
    if (monitorInterval.isNegative() || monitorInterval.isZero()) {
      throw new IllegalArgumentException("monitor-interval must be positive: " + monitorInterval);
    }
    if (checkpointInterval.isNegative()) {
      throw new IllegalArgumentException("checkpoint-interval must not be negative");
    }
    if (minCheckpointPageCount < 1) {
      throw new IllegalArgumentException("min-checkpoint-page-count must be at least 1");
    }
    if (maxCheckpointPageCount != 0 && maxCheckpointPageCount < minCheckpointPageCount) {
      throw new IllegalArgumentException(
          "max-checkpoint-page-count must be 0 or at least min-checkpoint-page-count");
    }
    replicas = List.copyOf(replicas);
    var names = new HashSet<String>();
    for (ReplicaConfig r : replicas) {
      if (!names.add(r.name())) {
        throw new IllegalArgumentException("duplicate replica name: " + r.name());
      }
    }
  }

  /** {@code .<name>-replicator} in the database's directory. */
  public static Path defaultMetaPath(Path db) {
    Objects.requireNonNull(db.getFileName(), "database path has no file name");
    return db.resolveSibling("." + db.getFileName() + META_DIR_SUFFIX);
  }

  /** The replica called {@code name}, as {@code -replica NAME} selects it. */
  public Optional<ReplicaConfig> replica(String name) {
    return replicas.stream().filter(r -> r.name().equals(name)).findFirst();
  }
}
