package dev.walship.agent.cli;

import dev.walship.agent.config.PathExpander;
import java.io.PrintWriter;
import java.util.Map;

/**
 * What every command gets from {@code Main} instead of reaching for globals: the environment, the
 * home and working directories (for paths), and where to print.
 *
 * @param env the process environment ({@code $VAR} expansion, {@code $REPLICATOR_CONFIG})
 * @param paths expands {@code ~} and relative paths
 * @param out normal output
 * @param err errors and usage
 */
public record CliContext(
    Map<String, String> env, PathExpander paths, PrintWriter out, PrintWriter err) {
  public CliContext {
    env = Map.copyOf(env);
  }
}
