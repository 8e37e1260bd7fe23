package dev.walship.agent.cli;

import dev.walship.agent.config.AgentConfig;
import dev.walship.agent.config.DbConfig;
import dev.walship.agent.config.ReplicaConfig;
import dev.walship.toolkit.config.ConfigException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code replicator databases}: the databases in the config file and their replicas' names, in
 * Litestream v0.3.13's format ({@code path replicas}, tabwriter-aligned, names comma-separated).
 */
@Command(
    name = "databases",
    description = "List the databases in the config file and their replicas.")
public final class DatabasesCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;
  @Mixin HelpOption help;

  private final CliContext ctx;

  public DatabasesCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws ConfigException {
    AgentConfig cfg = config.load(ctx);
    TabWriter w = new TabWriter(ctx.out(), 0, 2);
    w.line("path", "replicas");
    for (DbConfig db : databases(cfg)) {
      w.line(
          db.path().toString(),
          db.replicas().stream().map(ReplicaConfig::name).collect(Collectors.joining(",")));
    }
    w.flush();
    return 0;
  }

  private static List<DbConfig> databases(AgentConfig cfg) throws ConfigException {
    try {
      return cfg.databasesNow();
    } catch (IOException e) {
      throw new ConfigException("cannot list a dir: entry's databases: " + e.getMessage(), e);
    }
  }
}
