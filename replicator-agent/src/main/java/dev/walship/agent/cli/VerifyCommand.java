package dev.walship.agent.cli;

import dev.walship.agent.config.AgentConfig;
import dev.walship.agent.config.DbConfig;
import dev.walship.agent.config.ReplicaConfig;
import dev.walship.agent.store.ReplicaStores;
import dev.walship.agent.verify.ReplicaComparison;
import dev.walship.agent.verify.Verdict;
import dev.walship.format.store.ReplicaStore;
import dev.walship.toolkit.config.ConfigException;
import dev.walship.toolkit.time.Ticker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code replicator verify [DB]}: what {@code validation-interval} does, once, for every replica of
 * one database (or of every database in the config): restore it into a temporary file and compare
 * it page by page with the database at the same position. One line per replica; exit 1 unless every
 * replica is {@code ok}. Works with the agent running or stopped; never writes to a replica.
 */
@Command(
    name = "verify",
    description =
        "Restore each replica to a temporary file and compare it with the database at the same position.")
public final class VerifyCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;
  @Mixin HelpOption help;

  @Option(
      names = {"-replica", "--replica"},
      paramLabel = "NAME",
      description = "Only this replica.")
  String replicaName;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "DB_PATH",
      description = "Default: every database.")
  String target;

  private final CliContext ctx;
  private final ReplicaStores stores;

  public VerifyCommand(CliContext ctx, ReplicaStores stores) {
    this.ctx = ctx;
    this.stores = stores;
  }

  @Override
  public Integer call() throws ConfigException, IOException, InterruptedException {
    AgentConfig cfg = config.load(ctx);
    List<DbConfig> dbs = cfg.databasesNow();
    if (target != null && !target.isEmpty()) {
      Path path = ctx.paths().expand(target);
      dbs =
          List.of(
              cfg.db(path)
                  .orElseThrow(() -> new ConfigException("database not found in config: " + path)));
    }
    boolean allOk = true;
    int checked = 0;
    for (DbConfig db : dbs) {
      for (ReplicaConfig r : db.replicas()) {
        if (replicaName != null && !replicaName.equals(r.name())) {
          continue;
        }
        checked++;
        Verdict v;
        try (ReplicaStore store = stores.open(r)) {
          v =
              new ReplicaComparison(
                      db.path().toString(),
                      db.metaPath(),
                      r.name(),
                      store,
                      Ticker.SYSTEM,
                      ReplicaComparison.Progress.UNKNOWN)
                  .run();
        }
        ctx.out().println(v);
        allOk &= v.result() == Verdict.Result.OK;
      }
    }
    if (checked == 0) {
      throw new ConfigException(
          replicaName == null
              ? "no replicas to verify in the config"
              : "replica \"" + replicaName + "\" not found");
    }
    return allOk ? CliErrors.OK : CliErrors.FAILED;
  }
}
