package dev.walship.agent.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A whole, validated agent configuration (a litestream.yml). Immutable.
 *
 * @param addr where to serve Prometheus metrics, {@code host:port} or {@code :port}; null: no
 *     metrics server
 * @param exec a command to run beside replication (the agent exits when it exits), as written;
 *     null: none
 * @param logging the {@code logging:} section
 * @param dbs the databases, paths unique
 * @param heartbeat {@code heartbeat-url} and {@code heartbeat-interval}; null: no heartbeat
 */
public record AgentConfig(String addr, String exec, LoggingConfig logging, List<DbConfig> dbs,
    HeartbeatConfig heartbeat) {

  /** No databases, default logging: what an empty file means. */
  public static final AgentConfig EMPTY = new AgentConfig(null, null, LoggingConfig.DEFAULTS, List.of());

  public AgentConfig {
    Objects.requireNonNull(logging);
    dbs = List.copyOf(dbs);
  }

  /** Without a heartbeat. */
  public AgentConfig(String addr, String exec, LoggingConfig logging, List<DbConfig> dbs) {
    this(addr, exec, logging, dbs, null);
  }

  /**
   * The database configured at {@code path}, as Litestream's {@code config.DBConfig(path)}: paths
   * are compared absolute and normalized (symbolic links are not followed).
   *
   * @param path an absolute path (expand command-line paths with {@link PathExpander} first)
   */
  public Optional<DbConfig> db(Path path) {
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException("expand the path first: " + path);
    }
    Path wanted = path.normalize();
    return dbs.stream().filter(d -> d.path().equals(wanted)).findFirst();
  }
}
