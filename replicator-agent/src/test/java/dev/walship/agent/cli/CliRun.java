package dev.walship.agent.cli;

import dev.walship.agent.Main;
import dev.walship.agent.config.PathExpander;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

/** Runs {@code replicator} in-process with a given environment and working directory. */
record CliRun(int exit, String out, String err) {
  static CliRun run(Path workDir, Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CliContext ctx =
        new CliContext(
            env,
            new PathExpander(Path.of(System.getProperty("user.home")), workDir),
            new PrintWriter(out),
            new PrintWriter(err));
    int exit = Main.run(args, ctx);
    return new CliRun(exit, out.toString(), err.toString());
  }
}
