package dev.walship.agent.cli;

import dev.walship.agent.config.AgentConfig;
import dev.walship.agent.config.ConfigException;
import dev.walship.agent.config.ConfigLoader;
import dev.walship.agent.config.DbConfig;
import dev.walship.agent.config.ReplicaConfig;
import dev.walship.agent.config.ReplicaUrl;
import dev.walship.agent.config.SftpReplicaConfig;
import dev.walship.agent.sftp.SftpTarget;
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

  @Option(names = {"-replica", "--replica"}, paramLabel = "NAME", description = "Only this replica.")
  String replicaName;

  @Option(names = {"-host-key", "--host-key"}, paramLabel = "KEY",
      description = "For an sftp:// URL: the server's key, a SHA256: fingerprint or an OpenSSH public-key line.")
  String hostKey;

  @Option(names = {"-known-hosts", "--known-hosts"}, paramLabel = "FILE",
      description = "For an sftp:// URL: an OpenSSH known_hosts file with the server's key.")
  String knownHosts;

  @Option(names = {"-key-path", "--key-path"}, paramLabel = "FILE",
      description = "For an sftp:// URL: the private key to log in with "
          + "(its passphrase, if any, from $" + ReplicaArgs.PASSPHRASE_ENV + ").")
  String keyPath;

  @Parameters(index = "0", arity = "0..1", paramLabel = "DB_PATH|REPLICA_URL")
  String target;

  /** Where an sftp:// URL's key passphrase comes from (argv is visible to every user). */
  static final String PASSPHRASE_ENV = "REPLICATOR_KEY_PASSPHRASE";

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
    if (hostKey != null || knownHosts != null || keyPath != null) {
      throw new ConfigException(
          "-host-key, -known-hosts and -key-path apply to an sftp:// URL; with a database path, set them in the config file");
    }
    AgentConfig cfg = config.load(ctx);
    Path path = ctx.paths().expand(target);
    DbConfig db = cfg.db(path).orElseThrow(() -> new ConfigException("database not found in config: " + path));
    if (replicaName == null) {
      return new Selection(db, db.replicas());
    }
    ReplicaConfig r = db.replica(replicaName).orElseThrow(
        () -> new ConfigException("replica \"" + replicaName + "\" not found for database \"" + db.path() + "\""));
    return new Selection(db, List.of(r));
  }

  private ReplicaConfig fromUrl(CliContext ctx) throws ConfigException {
    ConfigLoader loader = new ConfigLoader(ctx.env(), ctx.paths());
    ReplicaConfig r = loader.replicaFromUrl(target);
    if (!(r instanceof SftpReplicaConfig s)) {
      if (hostKey != null || knownHosts != null || keyPath != null) {
        throw new ConfigException("-host-key, -known-hosts and -key-path apply only to an sftp:// URL");
      }
      return r;
    }
    if (hostKey != null && knownHosts != null) {
      throw new ConfigException("-host-key and -known-hosts exclude each other: pin one key or name one file");
    }
    SftpTarget t = s.target();
    SftpTarget withKeys = new SftpTarget(t.host(), t.port(), t.user(), t.password(), t.path(),
        keyPath == null ? null : ctx.paths().expand(keyPath),
        ctx.env().get(PASSPHRASE_ENV),
        hostKey,
        knownHosts == null ? null : ctx.paths().expand(knownHosts));
    return new SftpReplicaConfig(s.name(), withKeys, s.timing());
  }
}
