package dev.walship.agent.cli;

import dev.walship.agent.config.ReplicaConfig;
import dev.walship.agent.store.ReplicaStores;
import dev.walship.format.catalog.GenerationFiles;
import dev.walship.format.catalog.ReplicaCatalog;
import dev.walship.format.layout.Generation;
import dev.walship.format.store.ReplicaStore;
import dev.walship.format.store.WalSegmentInfo;
import dev.walship.toolkit.config.ConfigException;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code replicator wal}: Litestream v0.3.13's {@code replica generation index offset size
 * created}.
 */
@Command(
    name = "wal",
    description = "List the WAL segments of a database's replicas or of a replica URL.")
public final class WalCommand implements Callable<Integer> {
  @Mixin ReplicaArgs args;
  @Mixin HelpOption help;

  @Option(
      names = {"-generation", "--generation"},
      paramLabel = "NAME",
      description = "Only this generation.")
  String generation;

  private final CliContext ctx;
  private final ReplicaStores stores;

  public WalCommand(CliContext ctx, ReplicaStores stores) {
    this.ctx = ctx;
    this.stores = stores;
  }

  @Override
  public Integer call() throws ConfigException {
    Generation only = ReplicaArgs.generation(generation);
    TabWriter w = new TabWriter(ctx.out(), 0, 2);
    w.line("replica", "generation", "index", "offset", "size", "created");
    int failed = 0;
    for (ReplicaConfig r : args.select(ctx).replicas()) {
      try (ReplicaStore store = stores.open(r)) {
        ReplicaCatalog catalog =
            only != null ? ReplicaCatalog.load(store, only) : ReplicaCatalog.load(store);
        for (GenerationFiles g : catalog.generations()) {
          for (WalSegmentInfo s : g.segments()) {
            w.line(
                r.name(),
                g.generation().name(),
                Integer.toString(s.name().index()),
                Long.toString(s.name().offset()),
                Long.toString(s.size()),
                Times.rfc3339(s.created()));
          }
        }
      } catch (IOException e) {
        ctx.err()
            .println(
                "error: replica " + r.name() + ": cannot list WAL segments: " + e.getMessage());
        failed++;
      }
    }
    w.flush();
    return failed == 0 ? CliErrors.OK : CliErrors.FAILED;
  }
}
