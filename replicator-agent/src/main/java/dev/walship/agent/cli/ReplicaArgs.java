package dev.walship.agent.cli;

import dev.walship.agent.config.AgentConfig;
import dev.walship.agent.config.ConfigLoader;
import dev.walship.agent.config.DbConfig;
import dev.walship.agent.config.ReplicaConfig;
import dev.walship.agent.config.ReplicaUrl;
import dev.walship.format.layout.Generation;
import dev.walship.format.layout.InvalidNameException;
import dev.walship.toolkit.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code DB_PATH|REPLICA_URL} argument and the options that pick replicas, shared by {@code
 * restore}, {@code generations}, {@code snapshots} and {@code wal}, with Litestream's rules: a URL
 * excludes {@code -config}; a path is looked up in the config; {@code -replica} filters by name.
 * For an {@code sftp://} URL the host-key and key settings come from options (the config file's
 * keys of the same names), since a URL cannot carry them.
 */
public final class ReplicaArgs {
  @Mixin ConfigOptions config;

  @Option(
      names = {"-replica", "--replica"},
      paramLabel = "NAME",
      description = "Only this replica.")
  String replicaName;

  @Mixin SftpUrlOptions sftp;

  @Parameters(index = "0", arity = "0..1", paramLabel = "DB_PATH|REPLICA_URL")
  String target;

  /** The replicas chosen, and the database they belong to (null for a URL). */
  record Selection(DbConfig db, List<ReplicaConfig> replicas) {}

  Selection select(CliContext ctx) throws ConfigException {
    if (target == null || target.isEmpty()) {
      throw new ConfigException("database path or replica URL required");
    }
    if (ReplicaUrl.isUrl(target)) {
      if (config.given()) {
        throw new ConfigException("cannot specify a replica URL and the -config flag");
      }
      return new Selection(null, List.of(fromUrl(ctx)));
    }
    sftp.refuseWithConfigFile();
    AgentConfig cfg = config.load(ctx);
    Path path = ctx.paths().expand(target);
    DbConfig db =
        cfg.db(path)
            .orElseThrow(() -> new ConfigException("database not found in config: " + path));
    if (replicaName == null) {
      return new Selection(db, db.replicas());
    }
    ReplicaConfig r =
        db.replica(replicaName)
            .orElseThrow(
                () ->
                    new ConfigException(
                        "replica \""
                            + replicaName
                            + "\" not found for database \""
                            + db.path()
                            + "\""));
    return new Selection(db, List.of(r));
  }

  /** A {@code -generation NAME} flag's value, or null when not given. */
  static Generation generation(String flag) throws ConfigException {
    if (flag == null) {
      return null;
    }
    try {
      return Generation.parse(flag);
    } catch (InvalidNameException e) {
      throw new ConfigException("invalid -generation: " + e.getMessage());
    }
  }

  private ReplicaConfig fromUrl(CliContext ctx) throws ConfigException {
    return sftp.apply(new ConfigLoader(ctx.env(), ctx.paths()).replicaFromUrl(target), ctx);
  }
}
