package dev.walship.agent.cli;

import dev.walship.agent.config.AgentConfig;
import dev.walship.agent.config.ConfigLoader;
import dev.walship.agent.config.DbConfig;
import dev.walship.agent.config.DirConfig;
import dev.walship.agent.config.FileReplicaConfig;
import dev.walship.agent.config.LoggingConfig;
import dev.walship.agent.config.ReplicaConfig;
import dev.walship.agent.config.ReplicaUrl;
import dev.walship.agent.config.S3ReplicaConfig;
import dev.walship.agent.config.SftpReplicaConfig;
import dev.walship.agent.replicate.ExecChild;
import dev.walship.agent.replicate.Replicator;
import dev.walship.agent.replicate.ReplicatorBuilder;
import dev.walship.agent.replicate.Supervisor;
import dev.walship.agent.store.ReplicaStores;
import dev.walship.format.store.ReplicaStoreException;
import dev.walship.toolkit.config.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code replicator replicate [-config FILE] [-exec CMD] [-no-expand-env]} or {@code replicator
 * replicate DB_PATH REPLICA_URL…}: replicates until SIGTERM or SIGINT (or until the {@code -exec}
 * command exits), then ships what was captured and exits 0 (or with the command's status).
 */
@Command(
    name = "replicate",
    description =
        "Replicate databases continuously until SIGTERM/SIGINT, from the config file or "
            + "DB_PATH REPLICA_URL... given here.")
public final class ReplicateCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;
  @Mixin HelpOption help;

  @Option(
      names = {"-exec", "--exec"},
      paramLabel = "CMD",
      description =
          "Run CMD beside replication; forward SIGTERM/SIGINT to it; exit with its status "
              + "after a final sync. Overrides the config's exec.")
  String exec;

  @Mixin SftpUrlOptions sftp;

  @Parameters(
      paramLabel = "DB_PATH REPLICA_URL",
      arity = "0..*",
      description = "A database and its replicas' URLs, instead of a config file.")
  List<String> args = new ArrayList<>();

  private final CliContext ctx;
  private final ReplicaStores stores;

  public ReplicateCommand(CliContext ctx, ReplicaStores stores) {
    this.ctx = ctx;
    this.stores = stores;
  }

  @Override
  public Integer call() throws ConfigException, IOException, InterruptedException {
    AgentConfig cfg = args.isEmpty() ? fromFile() : fromArgs();
    LogSetup.apply(cfg.logging());
    if (cfg.isEmpty()) {
      throw new ConfigException(
          "no databases specified in the configuration: nothing to replicate");
    }
    String command = exec != null ? exec : cfg.exec();
    if (command != null) {
      try {
        ExecChild.split(command); // a bad -exec fails before anything starts
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage());
      }
    }
    ReplicatorBuilder b = Replicator.builder().stores(stores);
    for (DbConfig db : cfg.dbs()) {
      try {
        b.database(db);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage());
      }
    }
    for (DirConfig d : cfg.dirs()) {
      try {
        b.directory(d);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage());
      }
    }
    if (cfg.addr() != null) {
      b.metrics(cfg.addr());
    }
    if (cfg.heartbeat() != null) {
      b.heartbeat(cfg.heartbeat());
    }
    Replicator replicator;
    try {
      replicator = b.start();
    } catch (ReplicaStoreException e) {
      throw new ConfigException(e.getMessage(), e);
    }
    ExecChild child = null;
    try {
      child = command == null ? null : ExecChild.start(command);
    } catch (IOException e) {
      replicator.close();
      throw new ConfigException(e.getMessage(), e);
    }
    return new Supervisor(replicator, child, Replicator.DEFAULT_SHUTDOWN_TIMEOUT).run();
  }

  private AgentConfig fromFile() throws ConfigException {
    sftp.refuseWithConfigFile();
    return config.load(ctx);
  }

  private AgentConfig fromArgs() throws ConfigException {
    if (args.size() == 1) {
      throw new ConfigException("must specify at least one replica URL for " + args.get(0));
    }
    if (config.given()) {
      throw new ConfigException("cannot specify a replica URL and the -config flag");
    }
    Path db = ctx.paths().expand(args.get(0));
    ConfigLoader loader = new ConfigLoader(ctx.env(), ctx.paths());
    List<ReplicaConfig> replicas = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (String url : args.subList(1, args.size())) {
      if (!ReplicaUrl.isUrl(url)) {
        throw new ConfigException(
            "\""
                + url
                + "\" is not a replica URL (file:///dir, sftp://user@host/path or s3://bucket/path)");
      }
      replicas.add(named(sftp.apply(loader.replicaFromUrl(url), ctx), names));
    }
    DbConfig d =
        new DbConfig(
            db,
            DbConfig.defaultMetaPath(db),
            DbConfig.DEFAULT_MONITOR_INTERVAL,
            DbConfig.DEFAULT_CHECKPOINT_INTERVAL,
            DbConfig.DEFAULT_MIN_CHECKPOINT_PAGE_COUNT,
            DbConfig.DEFAULT_MAX_CHECKPOINT_PAGE_COUNT,
            replicas);
    return new AgentConfig(null, null, LoggingConfig.DEFAULTS, List.of(d));
  }

  /** The type as name, as Litestream names URL replicas; {@code type-2}, … when repeated. */
  private static ReplicaConfig named(ReplicaConfig r, Set<String> names) {
    String name = r.name();
    for (int n = 2; !names.add(name); n++) {
      name = r.name() + "-" + n;
    }
    if (name.equals(r.name())) {
      return r;
    }
    if (r instanceof SftpReplicaConfig s) {
      return new SftpReplicaConfig(name, s.target(), s.timing());
    }
    if (r instanceof S3ReplicaConfig s) {
      return new S3ReplicaConfig(name, s.target(), s.timing());
    }
    var f = (FileReplicaConfig) r; // a URL replica has no age keys
    return new FileReplicaConfig(name, f.path(), f.timing());
  }
}
