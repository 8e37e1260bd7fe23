package dev.walship.agent.cli;

import dev.walship.agent.config.ReplicaConfig;
import dev.walship.agent.config.SftpReplicaConfig;
import dev.walship.agent.sftp.SftpTarget;
import dev.walship.toolkit.config.ConfigException;
import picocli.CommandLine.Option;

/**
 * {@code -host-key}, {@code -known-hosts}, {@code -key-path}: what an {@code sftp://} URL given on
 * the command line cannot carry (the config file's keys of the same names), shared by every command
 * that takes replica URLs. The key's passphrase comes from {@code $REPLICATOR_KEY_PASSPHRASE}, not
 * from the command line, which every user of the machine can read.
 */
public final class SftpUrlOptions {
  /** Where an sftp:// URL's key passphrase comes from. */
  static final String PASSPHRASE_ENV = "REPLICATOR_KEY_PASSPHRASE";

  @Option(
      names = {"-host-key", "--host-key"},
      paramLabel = "KEY",
      description =
          "For sftp:// URLs: the server's key, a SHA256: fingerprint or an OpenSSH public-key line.")
  String hostKey;

  @Option(
      names = {"-known-hosts", "--known-hosts"},
      paramLabel = "FILE",
      description = "For sftp:// URLs: an OpenSSH known_hosts file with the server's key.")
  String knownHosts;

  @Option(
      names = {"-key-path", "--key-path"},
      paramLabel = "FILE",
      description =
          "For sftp:// URLs: the private key to log in with (its passphrase, if any, from $"
              + PASSPHRASE_ENV
              + ").")
  String keyPath;

  /** Whether any of the options was given. */
  boolean given() {
    return hostKey != null || knownHosts != null || keyPath != null;
  }

  /** Fails when the options were given where no URL takes them. */
  void refuseWithConfigFile() throws ConfigException {
    if (given()) {
      throw new ConfigException(
          "-host-key, -known-hosts and -key-path apply to sftp:// URLs given on the"
              + " command line; with a config file, set them per replica in the file");
    }
  }

  /** {@code replica} (made from a URL) with these options applied; only sftp replicas take them. */
  ReplicaConfig apply(ReplicaConfig replica, CliContext ctx) throws ConfigException {
    if (!(replica instanceof SftpReplicaConfig s)) {
      if (given()) {
        throw new ConfigException(
            "-host-key, -known-hosts and -key-path apply only to sftp:// URLs");
      }
      return replica;
    }
    if (hostKey != null && knownHosts != null) {
      throw new ConfigException(
          "-host-key and -known-hosts exclude each other: pin one key or name one file");
    }
    SftpTarget t = s.target();
    SftpTarget withKeys =
        new SftpTarget(
            t.host(),
            t.port(),
            t.user(),
            t.password(),
            t.path(),
            keyPath == null ? null : ctx.paths().expand(keyPath),
            ctx.env().get(PASSPHRASE_ENV),
            hostKey,
            knownHosts == null ? null : ctx.paths().expand(knownHosts));
    return new SftpReplicaConfig(s.name(), withKeys, s.timing());
  }
}
