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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
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
    Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
    commands.put("databases", () -> new DatabasesCommand(ctx));
    commands.put("generations", () -> new GenerationsCommand(ctx, stores, Clock.systemUTC()));
    commands.put(
        "keygen", () -> new KeygenCommand(ctx, "root".equals(System.getProperty("user.name"))));
    commands.put("replicate", () -> new ReplicateCommand(ctx, stores));
    commands.put("restore", () -> new RestoreCommand(ctx, stores));
    commands.put("snapshots", () -> new SnapshotsCommand(ctx, stores));
    commands.put("status", () -> new StatusCommand(ctx, stores, Clock.systemUTC()));
    commands.put("verify", () -> new VerifyCommand(ctx, stores));
    commands.put("wal", () -> new WalCommand(ctx, stores));
    commands.put("version", () -> new VersionCommand(ctx));
    // Only the command a line names first is built: picocli reflects over every command it is
    // given, about 0.1 s of a fresh JVM for all of them, and a line runs one. Anything else (no
    // command, an unknown one, a root option first) gets them all, for the usage and suggestions.
    Supplier<Object> named = args.length > 0 ? commands.get(args[0]) : null;
    CommandLine cl = new CommandLine(new RootCommand(ctx));
    for (Supplier<Object> c : named != null ? List.of(named) : commands.values()) {
      cl.addSubcommand(c.get());
    }
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
