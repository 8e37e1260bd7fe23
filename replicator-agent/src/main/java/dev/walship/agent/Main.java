package dev.walship.agent;

import dev.walship.agent.cli.CliContext;
import dev.walship.agent.cli.CliErrors;
import dev.walship.agent.cli.DatabasesCommand;
import dev.walship.agent.cli.GenerationsCommand;
import dev.walship.agent.cli.KeygenCommand;
import dev.walship.agent.cli.LogSetup;
import dev.walship.agent.cli.ReplicateCommand;
import dev.walship.agent.cli.RestoreCommand;
import dev.walship.agent.cli.RootCommand;
import dev.walship.agent.cli.SnapshotsCommand;
import dev.walship.agent.cli.StatusCommand;
import dev.walship.agent.cli.VerifyCommand;
import dev.walship.agent.cli.VersionCommand;
import dev.walship.agent.cli.WalCommand;
import dev.walship.agent.config.PathExpander;
import dev.walship.agent.store.ReplicaStores;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import picocli.CommandLine;

/** Entry point of {@code replicator}: wires the commands and dispatches. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    LogSetup.defaults();
    CliContext ctx =
        new CliContext(
            System.getenv(),
            PathExpander.ofSystem(),
            new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
            new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
    System.exit(run(args, ctx));
  }

  /** Runs one command line; returns the exit code. */
  public static int run(String[] args, CliContext ctx) {
    ReplicaStores stores = ReplicaStores.defaults();
    CommandLine cl = new CommandLine(new RootCommand(ctx));
    cl.addSubcommand(new DatabasesCommand(ctx));
    cl.addSubcommand(new GenerationsCommand(ctx, stores, Clock.systemUTC()));
    cl.addSubcommand(new KeygenCommand(ctx, "root".equals(System.getProperty("user.name"))));
    cl.addSubcommand(new ReplicateCommand(ctx, stores));
    cl.addSubcommand(new RestoreCommand(ctx, stores));
    cl.addSubcommand(new SnapshotsCommand(ctx, stores));
    cl.addSubcommand(new StatusCommand(ctx, stores, Clock.systemUTC()));
    cl.addSubcommand(new VerifyCommand(ctx, stores));
    cl.addSubcommand(new WalCommand(ctx, stores));
    cl.addSubcommand(new VersionCommand(ctx));
    CliErrors errors = new CliErrors(ctx);
    cl.setOut(ctx.out());
    cl.setErr(ctx.err());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler(errors);
    cl.setParameterExceptionHandler(errors);
    int code = cl.execute(args);
    ctx.out().flush();
    ctx.err().flush();
    return code;
  }
}
