package dev.walship.agent.cli;

import dev.walship.agent.config.ReplicaConfig;
import dev.walship.agent.store.ReplicaStores;
import dev.walship.format.catalog.GenerationFiles;
import dev.walship.format.catalog.ReplicaCatalog;
import dev.walship.format.store.ReplicaStore;
import dev.walship.format.store.SnapshotInfo;
import dev.walship.toolkit.config.ConfigException;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code replicator snapshots}: Litestream v0.3.13's {@code replica generation index size created}.
 */
@Command(
    name = "snapshots",
    description = "List the snapshots of a database's replicas or of a replica URL.")
public final class SnapshotsCommand implements Callable<Integer> {
  @Mixin ReplicaArgs args;
  @Mixin HelpOption help;

  private final CliContext ctx;
  private final ReplicaStores stores;

  public SnapshotsCommand(CliContext ctx, ReplicaStores stores) {
    this.ctx = ctx;
    this.stores = stores;
  }

  @Override
  public Integer call() throws ConfigException {
    TabWriter w = new TabWriter(ctx.out(), 0, 2);
    w.line("replica", "generation", "index", "size", "created");
    int failed = 0;
    for (ReplicaConfig r : args.select(ctx).replicas()) {
      try (ReplicaStore store = stores.open(r)) {
        for (GenerationFiles g : ReplicaCatalog.load(store).generations()) {
          for (SnapshotInfo s : g.snapshots()) {
            w.line(
                r.name(),
                g.generation().name(),
                Integer.toString(s.name().index()),
                Long.toString(s.size()),
                Times.rfc3339(s.created()));
          }
        }
      } catch (IOException e) {
        ctx.err()
            .println("error: replica " + r.name() + ": cannot list snapshots: " + e.getMessage());
        failed++;
      }
    }
    w.flush();
    return failed == 0 ? CliErrors.OK : CliErrors.FAILED;
  }
}
