package dev.walship.server.cli;

import dev.walship.server.auth.AuthorizedKeysFile;
import dev.walship.server.auth.HostKey;
import dev.walship.server.config.ConfigChecks;
import dev.walship.server.config.ConfigLoader;
import dev.walship.server.config.Limits;
import dev.walship.server.config.ServerConfig;
import dev.walship.server.config.UserConfig;
import dev.walship.toolkit.config.ConfigException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code check-config}: validates the configuration against the machine (as {@code serve} would
 * before starting) and prints the effective settings, defaults and {@code %u} applied, as YAML.
 */
@Command(
    name = "check-config",
    description = "Validate the configuration and print the effective settings.")
public final class CheckConfigCommand implements Callable<Integer> {
  @Option(
      names = "-config",
      paramLabel = "FILE",
      description =
          "configuration file (default: $REPLICA_SERVER_CONFIG, else /etc/replica-server.yml)")
  Path config;

  private final CliContext context;

  CheckConfigCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Path file = context.configFile(config);
    try {
      ServerConfig cfg = ConfigLoader.load(file);
      ConfigChecks.check(cfg);
      print(file, cfg, context.out());
      return 0;
    } catch (ConfigException e) {
      context.err().println("replica-server: " + e.getMessage());
      return 1;
    }
  }

  private static void print(Path file, ServerConfig cfg, PrintStream out) {
    out.println("# effective configuration of " + file.toAbsolutePath().normalize() + ": OK");
    out.println("listen: " + cfg.listen());
    out.println("host-key: " + cfg.hostKey() + "   # " + hostKeyNote(cfg.hostKey()));
    Limits l = cfg.limits();
    out.println("limits:");
    out.println("  connections-per-user: " + l.connectionsPerUser());
    out.println("  channels-per-connection: " + l.channelsPerConnection());
    out.println("  open-handles: " + l.openHandles());
    out.println("  open-handles-per-user: " + l.openHandlesPerUser());
    out.println("  idle-timeout: " + duration(l.idleTimeout()));
    out.println("  login-grace: " + duration(l.loginGrace()));
    out.println("  unauthenticated-per-source: " + l.unauthenticatedPerSource());
    out.println("  unauthenticated: " + l.unauthenticated());
    out.println("  shutdown-grace: " + duration(l.shutdownGrace()));
    out.println("users:");
    for (UserConfig u : cfg.users()) {
      out.println("  - name: " + u.name());
      out.println("    root: " + u.root());
      out.println(
          "    authorized-keys: " + u.authorizedKeys() + "   # " + keysNote(u.authorizedKeys()));
      out.println("    writable: [" + String.join(", ", u.writable()) + "]");
      out.println("    immutable-for: " + u.immutableFor().toSeconds() + "s");
      out.println(
          "    quota: " + (u.quota().isPresent() ? Long.toString(u.quota().getAsLong()) : "none"));
    }
  }

  /** A duration as the configuration writes it, in its largest exact unit: 10m, 30s, 250ms. */
  private static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0 && ms > 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    return ms % 1000 == 0 && ms > 0 ? ms / 1000 + "s" : ms + "ms";
  }

  private static String hostKeyNote(Path key) {
    if (!Files.exists(key)) {
      return "created on first start";
    }
    try {
      return HostKey.load(key).fingerprint();
    } catch (IOException e) {
      return "UNUSABLE: " + e.getMessage();
    }
  }

  private static String keysNote(Path keys) {
    try {
      return new AuthorizedKeysFile(keys).keys().size() + " usable key(s)";
    } catch (IOException e) {
      return "UNUSABLE: " + e.getMessage();
    }
  }
}
