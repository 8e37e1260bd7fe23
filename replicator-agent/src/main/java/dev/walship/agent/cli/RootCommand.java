package dev.walship.agent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code replicator} without a command: prints the usage and exits 2. */
@Command(
    name = "replicator",
    synopsisSubcommandLabel = "COMMAND",
    description =
        "Replicates SQLite databases continuously to file and SFTP replicas (Litestream v0.3.13 compatible).",
    commandListHeading = "%nCommands:%n")
public final class RootCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HelpOption help;

  private final CliContext ctx;

  public RootCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(ctx.err());
    ctx.err().flush();
    return CliErrors.USAGE;
  }
}
