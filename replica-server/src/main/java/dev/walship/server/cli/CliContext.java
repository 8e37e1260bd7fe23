package dev.walship.server.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the commands need from the process: its environment and its output streams.
 *
 * @param env environment variables ({@code REPLICA_SERVER_CONFIG})
 * @param out where results go
 * @param err where one-line errors go
 */
public record CliContext(Map<String, String> env, PrintStream out, PrintStream err) {
  /** The configuration file when none is given with {@code -config} or in the environment. */
  public static final Path DEFAULT_CONFIG = Path.of("/etc/replica-server.yml");

  /** {@code -config} if given, else {@code $REPLICA_SERVER_CONFIG}, else the default. */
  public Path configFile(Path option) {
    if (option != null) {
      return option;
    }
    String fromEnv = env.get("REPLICA_SERVER_CONFIG");
    return fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv) : DEFAULT_CONFIG;
  }
}
