package dev.walship.agent.cli;

import dev.walship.agent.config.ReplicaConfig;
import dev.walship.agent.store.ReplicaStores;
import dev.walship.format.catalog.GenerationFiles;
import dev.walship.format.catalog.ReplicaCatalog;
import dev.walship.format.store.ReplicaStore;
import dev.walship.format.wal.SqliteFiles;
import dev.walship.toolkit.config.ConfigException;
import dev.walship.toolkit.config.GoDuration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code replicator generations}: every generation of the replicas, with how far each lags the
 * database and the time range it covers, in Litestream v0.3.13's columns {@code name generation lag
 * start end}.
 */
@Command(
    name = "generations",
    description = "List the generations of a database's replicas or of a replica URL.")
public final class GenerationsCommand implements Callable<Integer> {
  /** Litestream prints an empty generation's times as Go's zero time. */
  static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

  @Mixin ReplicaArgs args;
  @Mixin HelpOption help;

  private final CliContext ctx;
  private final ReplicaStores stores;
  private final Clock clock;

  public GenerationsCommand(CliContext ctx, ReplicaStores stores, Clock clock) {
    this.ctx = ctx;
    this.stores = stores;
    this.clock = clock;
  }

  @Override
  public Integer call() throws ConfigException {
    ReplicaArgs.Selection sel = args.select(ctx);
    Instant dbUpdatedAt = sel.db() == null ? clock.instant() : updatedAt(sel.db().path());
    TabWriter w = new TabWriter(ctx.out(), 0, 2);
    w.line("name", "generation", "lag", "start", "end");
    int failed = 0;
    for (ReplicaConfig r : sel.replicas()) {
      ReplicaCatalog catalog;
      try (ReplicaStore store = stores.open(r)) {
        catalog = ReplicaCatalog.load(store);
      } catch (IOException e) {
        ctx.err()
            .println("error: replica " + r.name() + ": cannot list generations: " + e.getMessage());
        failed++;
        continue;
      }
      for (GenerationFiles g : catalog.generations()) {
        Instant start = g.createdAt() == null ? GO_ZERO_TIME : g.createdAt();
        Instant end = g.updatedAt() == null ? GO_ZERO_TIME : g.updatedAt();
        w.line(
            r.name(),
            g.generation().name(),
            GoDuration.format(truncate(Duration.between(end, dbUpdatedAt))),
            Times.rfc3339(start),
            Times.rfc3339(end));
      }
    }
    w.flush();
    return failed == 0 ? CliErrors.OK : CliErrors.FAILED;
  }

  /** When the database or its WAL last changed, as Litestream's {@code DB.UpdatedAt}. */
  private Instant updatedAt(Path db) {
    Instant t = null;
    for (Path p : new Path[] {db, SqliteFiles.wal(db)}) {
      try {
        Instant m = Files.getLastModifiedTime(p).toInstant();
        t = t == null || m.isAfter(t) ? m : t;
      } catch (IOException absent) {
        // a missing file has no time
      }
    }
    return t == null ? clock.instant() : t;
  }

  /** Litestream's {@code truncateDuration}: coarser the longer the lag. */
  static Duration truncate(Duration d) {
    Duration s = GoDuration.saturate(d); // as Go's Sub: no overflow for Go's zero time
    long n = s.toNanos();
    long abs = n == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(n);
    long unit;
    if (abs > 10_000_000_000L) {
      unit = 1_000_000_000L;
    } else if (abs > 1_000_000_000L) {
      unit = 100_000_000L;
    } else if (abs > 1_000_000L) {
      unit = 1_000_000L;
    } else if (abs > 1_000L) {
      unit = 1_000L;
    } else {
      return s;
    }
    return Duration.ofNanos(n - n % unit);
  }
}
