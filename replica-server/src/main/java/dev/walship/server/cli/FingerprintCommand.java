package dev.walship.server.cli;

import dev.walship.server.auth.HostKey;
import dev.walship.server.config.ConfigLoader;
import dev.walship.server.config.ServerConfig;
import dev.walship.toolkit.config.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fingerprint}: prints the host key's fingerprint line, as {@code ssh-keygen -lf} does. */
@Command(
    name = "fingerprint",
    description = "Print the host key's SHA256 fingerprint (as ssh-keygen -lf prints it).")
public final class FingerprintCommand implements Callable<Integer> {
  @Option(
      names = "-config",
      paramLabel = "FILE",
      description =
          "configuration file (default: $REPLICA_SERVER_CONFIG, else /etc/replica-server.yml)")
  Path config;

  private final CliContext context;

  FingerprintCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    try {
      ServerConfig cfg = ConfigLoader.load(context.configFile(config));
      context.out().println(HostKey.load(cfg.hostKey()).fingerprintLine());
      return 0;
    } catch (ConfigException | IOException e) {
      context.err().println("replica-server: " + e.getMessage());
      return 1;
    }
  }
}
