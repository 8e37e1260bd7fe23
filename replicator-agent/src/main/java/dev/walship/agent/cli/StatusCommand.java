package dev.walship.agent.cli;

import dev.walship.agent.capture.ShadowState;
import dev.walship.agent.config.AgentConfig;
import dev.walship.agent.config.DbConfig;
import dev.walship.agent.config.ReplicaConfig;
import dev.walship.agent.health.AgentState;
import dev.walship.agent.health.ReplicaHealth;
import dev.walship.agent.store.ReplicaStores;
import dev.walship.format.catalog.GenerationFiles;
import dev.walship.format.catalog.ReplicaEnd;
import dev.walship.format.layout.Position;
import dev.walship.format.store.ReplicaStore;
import dev.walship.toolkit.config.ConfigException;
import dev.walship.toolkit.config.GoDuration;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code replicator status}: for each database of the config and each of its replicas, where the
 * agent's capture is, where the replica is, how far behind it is in bytes and seconds, when it last
 * received a file, and its last error. Read from the meta directory and from the replicas
 * themselves, so it works whether or not the agent runs. Exits 1 when any replica is unreachable or
 * behind by more than {@code -max-lag}.
 */
@Command(
    name = "status",
    description = "Show, for each database and replica, how far the replica is behind.")
public final class StatusCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;
  @Mixin HelpOption help;

  @Option(
      names = {"-json", "--json"},
      description = "Print JSON, for monitors.")
  boolean json;

  @Option(
      names = {"-max-lag", "--max-lag"},
      paramLabel = "DURATION",
      defaultValue = "1m",
      description =
          "A replica further behind than this is reported as behind (exit 1). Default: ${DEFAULT-VALUE}.")
  String maxLag;

  private final CliContext ctx;
  private final ReplicaStores stores;
  private final Clock clock;

  public StatusCommand(CliContext ctx, ReplicaStores stores, Clock clock) {
    this.ctx = ctx;
    this.stores = stores;
    this.clock = clock;
  }

  @Override
  public Integer call() throws ConfigException {
    Duration threshold = threshold();
    AgentConfig cfg = config.load(ctx);
    Instant now = clock.instant();
    List<ReplicaHealth> rows = new ArrayList<>();
    for (DbConfig db : databases(cfg)) {
      Optional<ShadowState> local = readLocal(db);
      for (ReplicaConfig r : db.replicas()) {
        long[] usable = {-1};
        ReplicaHealth h =
            ReplicaHealth.of(
                db,
                r,
                local,
                now,
                threshold,
                () -> {
                  try (ReplicaStore store = stores.open(r)) {
                    usable[0] = usableSpace(store);
                    return ReplicaEnd.of(
                        store, GenerationFiles.list(store, local.orElseThrow().generation()));
                  }
                });
        h = h.withUsableSpace(usable[0]);
        rows.add(AgentState.read(db.metaPath(), r.name()).map(h::withAgent).orElse(h));
      }
    }
    if (json) {
      StatusJson.print(ctx.out(), rows, now);
    } else {
      table(rows);
    }
    return rows.stream().allMatch(ReplicaHealth::healthy) ? CliErrors.OK : CliErrors.FAILED;
  }

  /** The replica's free space (statvfs), or -1 when the store cannot tell or asking fails. */
  private static long usableSpace(ReplicaStore store) {
    try {
      return store.usableSpace().orElse(-1);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private Duration threshold() throws ConfigException {
    try {
      return GoDuration.parse(maxLag);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("-max-lag: \"" + maxLag + "\" is not a duration (e.g. 30s, 5m)");
    }
  }

  private Optional<ShadowState> readLocal(DbConfig db) {
    try {
      return ShadowState.read(db.metaPath());
    } catch (IOException e) {
      ctx.err()
          .println(
              "error: " + db.path() + ": cannot read " + db.metaPath() + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  private void table(List<ReplicaHealth> rows) {
    TabWriter w = new TabWriter(ctx.out(), 0, 2);
    w.line(
        "database",
        "replica",
        "state",
        "local",
        "replica-position",
        "lag",
        "lag-bytes",
        "last-sync",
        "last-error");
    for (ReplicaHealth s : rows) {
      w.line(
          s.database(),
          s.replica(),
          s.state(),
          position(s.local()),
          position(s.remote()),
          s.lag() == null ? "-" : GoDuration.format(GenerationsCommand.truncate(s.lag())),
          s.lagBytes() == null ? "-" : Long.toString(s.lagBytes()),
          s.lastSync() == null ? "-" : Times.rfc3339(s.lastSync()),
          s.lastError() == null ? "-" : s.lastError());
    }
    w.flush();
  }

  private static String position(Position p) {
    return p == null ? "-" : p.toString();
  }

  private static List<DbConfig> databases(AgentConfig cfg) throws ConfigException {
    try {
      return cfg.databasesNow();
    } catch (IOException e) {
      throw new ConfigException("cannot list a dir: entry's databases: " + e.getMessage(), e);
    }
  }
}
