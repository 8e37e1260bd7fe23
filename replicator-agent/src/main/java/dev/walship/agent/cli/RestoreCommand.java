package dev.walship.agent.cli;

import dev.walship.agent.config.ReplicaConfig;
import dev.walship.agent.restore.NoBackupsException;
import dev.walship.agent.restore.RestoreException;
import dev.walship.agent.restore.RestorePlan;
import dev.walship.agent.restore.RestorePlanner;
import dev.walship.agent.restore.RestoreSettings;
import dev.walship.agent.restore.RestoreTarget;
import dev.walship.agent.restore.Restorer;
import dev.walship.agent.restore.WalApplier;
import dev.walship.agent.store.ReplicaStores;
import dev.walship.format.catalog.ReplicaCatalog;
import dev.walship.format.layout.Generation;
import dev.walship.format.store.ReplicaStore;
import dev.walship.toolkit.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code replicator restore}: Litestream v0.3.13's flags and rules; stricter checks (see {@link
 * RestorePlanner}); among several replicas, the one whose chosen generation has the newest write at
 * or before the target wins, as in Litestream.
 */
@Command(
    name = "restore",
    description = "Restore a database from its replicas or from a replica URL.")
public final class RestoreCommand implements Callable<Integer> {
  @Mixin ReplicaArgs args;
  @Mixin HelpOption help;

  @Option(
      names = {"-o", "--o"},
      paramLabel = "PATH",
      description = "Output path. Default: the database's path.")
  String output;

  @Option(
      names = {"-generation", "--generation"},
      paramLabel = "NAME",
      description = "Restore from this generation.")
  String generation;

  @Option(
      names = {"-index", "--index"},
      paramLabel = "NUM",
      description = "Restore up to this hex WAL index (inclusive).")
  String index;

  @Option(
      names = {"-timestamp", "--timestamp"},
      paramLabel = "TIMESTAMP",
      description = "Restore the state in force at this RFC 3339 time.")
  String timestamp;

  @Option(
      names = {"-parallelism", "--parallelism"},
      paramLabel = "NUM",
      defaultValue = "8",
      description = "Downloads in parallel. Default: ${DEFAULT-VALUE}.")
  int parallelism;

  @Option(
      names = {"-if-db-not-exists", "--if-db-not-exists"},
      description = "Exit 0 when the output already exists.")
  boolean ifDbNotExists;

  @Option(
      names = {"-if-replica-exists", "--if-replica-exists"},
      description = "Exit 0 when no backup is found.")
  boolean ifReplicaExists;

  @Option(
      names = {"-apply", "--apply"},
      paramLabel = "MODE",
      defaultValue = "PAGES",
      description = "How WAL is applied: pages (default) or sqlite (SQLite's own checkpoint).")
  WalApplier.Mode apply;

  private final CliContext ctx;
  private final ReplicaStores stores;

  public RestoreCommand(CliContext ctx, ReplicaStores stores) {
    this.ctx = ctx;
    this.stores = stores;
  }

  @Override
  public Integer call() throws ConfigException, RestoreException, IOException {
    ReplicaArgs.Selection sel = args.select(ctx);
    Path out = outputPath(sel);
    if (ifDbNotExists && Files.exists(out)) {
      ctx.err().println("database already exists, skipping: " + out);
      return CliErrors.OK;
    }
    RestoreTarget target = target();
    RestoreSettings settings =
        RestoreSettings.defaults().withParallelism(parallelism).withMode(apply);
    List<String> missing = new ArrayList<>();
    Chosen best = choose(sel.replicas(), target, missing);
    if (best == null) {
      if (ifReplicaExists) {
        ctx.err().println("no matching backups found");
        return CliErrors.OK;
      }
      throw new NoBackupsException(String.join("; ", missing));
    }
    try (ReplicaStore store = best.store) {
      long start = settings.ticker().read();
      new Restorer(store, settings).restore(best.plan, out);
      ctx.err()
          .printf(
              Locale.ROOT,
              "restored %s to %s: generation %s, snapshot %08x and %d WAL indices, from %s in %.1f s%n",
              best.plan.target(),
              out,
              best.plan.generation(),
              best.plan.snapshot().name().index(),
              best.plan.indices().size(),
              best.plan.location(),
              (settings.ticker().read() - start) / 1e9);
    }
    return CliErrors.OK;
  }

  private record Chosen(
      ReplicaConfig replica, ReplicaStore store, RestorePlan plan, Instant newest) {}

  /**
   * Plans the restore from each replica and keeps the one whose chosen generation has the newest
   * write at or before the target, as Litestream picks; its store stays open, the others are
   * closed. Replicas without a matching backup are noted in {@code missing}.
   */
  private Chosen choose(List<ReplicaConfig> replicas, RestoreTarget target, List<String> missing)
      throws IOException, RestoreException {
    Chosen best = null;
    for (ReplicaConfig r : replicas) {
      ReplicaStore store = stores.open(r);
      Chosen c;
      try {
        ReplicaCatalog catalog = ReplicaCatalog.load(store);
        RestorePlan plan = RestorePlanner.plan(catalog, target);
        Instant newest =
            catalog
                .generation(plan.generation())
                .orElseThrow()
                .lastWrite(target.timestamp() == null ? Instant.MAX : target.timestamp());
        c = new Chosen(r, store, plan, newest);
      } catch (NoBackupsException e) {
        missing.add("replica " + r.name() + ": " + e.getMessage());
        store.close();
        continue;
      } catch (RestoreException | IOException | RuntimeException e) {
        store.close();
        if (best != null) {
          best.store().close();
        }
        throw e;
      }
      if (best == null || c.newest().isAfter(best.newest())) {
        if (best != null) {
          best.store().close();
        }
        best = c;
      } else {
        store.close();
      }
    }
    return best;
  }

  private Path outputPath(ReplicaArgs.Selection sel) throws ConfigException {
    if (output != null && !output.isEmpty()) {
      return ctx.paths().expand(output);
    }
    if (sel.db() == null) {
      throw new ConfigException("output path required: restoring from a replica URL needs -o PATH");
    }
    return sel.db().path();
  }

  private RestoreTarget target() throws ConfigException {
    if (index != null && timestamp != null) {
      throw new ConfigException("cannot specify index & timestamp to restore");
    }
    Generation g = ReplicaArgs.generation(generation);
    Integer i = null;
    if (index != null) {
      try {
        i = Integer.parseInt(index, 16);
      } catch (NumberFormatException e) {
        throw new ConfigException(
            "invalid -index \"" + index + "\": expected a hex WAL index such as 0000000a");
      }
    }
    Instant t = null;
    if (timestamp != null) {
      try {
        t = OffsetDateTime.parse(timestamp).toInstant();
      } catch (DateTimeParseException e) {
        throw new ConfigException(
            "invalid -timestamp, must specify in ISO 8601 format (e.g. 2000-01-01T00:00:00Z)");
      }
    }
    return new RestoreTarget(g, i, t);
  }
}
