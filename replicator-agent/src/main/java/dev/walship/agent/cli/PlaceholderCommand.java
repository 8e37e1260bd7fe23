package dev.walship.agent.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Unmatched;

/**
 * A registration point for a command not written yet ({@code replicate}, {@code restore}, {@code
 * generations}, {@code snapshots}, {@code wal}): says so and exits 2. Each is replaced by its own
 * command class when it lands.
 */
@Command(description = "Not implemented yet.")
public final class PlaceholderCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Unmatched List<String> ignored;

  private final CliContext ctx;

  public PlaceholderCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    ctx.err().println("error: replicator " + spec.name() + ": not implemented yet");
    ctx.err().flush();
    return 2;
  }
}
