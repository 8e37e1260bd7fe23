package dev.walship.agent.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A whole, validated agent configuration (a litestream.yml). Immutable.
 *
 * @param addr where to serve Prometheus metrics, {@code host:port} or {@code :port}; null: no
 *     metrics server
 * @param exec a command to run beside replication (the agent exits when it exits), as written;
 *     null: none
 * @param logging the {@code logging:} section
 * @param dbs the databases given by {@code path:}, paths unique
 * @param dirs the directories of databases given by {@code dir:}
 * @param heartbeat {@code heartbeat-url} and {@code heartbeat-interval}; null: no heartbeat
 */
public record AgentConfig(
    String addr,
    String exec,
    LoggingConfig logging,
    List<DbConfig> dbs,
    List<DirConfig> dirs,
    HeartbeatConfig heartbeat) {

  /** No databases, default logging: what an empty file means. */
  public static final AgentConfig EMPTY =
      new AgentConfig(null, null, LoggingConfig.DEFAULTS, List.of());

  public AgentConfig {
    Objects.requireNonNull(logging);
    dbs = List.copyOf(dbs);
    dirs = List.copyOf(dirs);
  }

  /** Whether nothing is configured to replicate. */
  public boolean isEmpty() {
    return dbs.isEmpty() && dirs.isEmpty();
  }

  /** Databases given by {@code path:} only, without a heartbeat. */
  public AgentConfig(String addr, String exec, LoggingConfig logging, List<DbConfig> dbs) {
    this(addr, exec, logging, dbs, List.of(), null);
  }

  /**
   * The database configured at {@code path}, as Litestream's {@code config.DBConfig(path)}: paths
   * are compared absolute and normalized (symbolic links are not followed). A {@code path:} entry
   * comes first; then the first {@code dir:} entry that covers the path (whether or not the file
   * exists now: a deleted database is restored by its path).
   *
   * @param path an absolute path (expand command-line paths with {@link PathExpander} first)
   */
  public Optional<DbConfig> db(Path path) {
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException("expand the path first: " + path);
    }
    Path wanted = path.normalize();
    Optional<DbConfig> listed = dbs.stream().filter(d -> d.path().equals(wanted)).findFirst();
    if (listed.isPresent()) {
      return listed;
    }
    return dirs.stream().filter(d -> d.covers(wanted)).findFirst().map(d -> d.db(wanted));
  }

  /**
   * Every database: those of {@code path:} entries, then those {@code dir:} entries cover now
   * (found on disk; one a {@code path:} entry lists is not repeated).
   */
  public List<DbConfig> databasesNow() throws IOException {
    List<DbConfig> out = new ArrayList<>(dbs);
    Set<Path> seen = new HashSet<>();
    dbs.forEach(d -> seen.add(d.path()));
    for (DirConfig d : dirs) {
      for (Path p : d.findDatabases()) {
        if (seen.add(p)) {
          out.add(d.db(p));
        }
      }
    }
    return out;
  }
}
