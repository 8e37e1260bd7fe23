package dev.walship.server.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level command: prints the usage; the work is in the subcommands. */
@Command(
    name = "replica-server",
    mixinStandardHelpOptions = true,
    version = "replica-server (walship)",
    description = "The embedded, chrooted SFTP server that receives SQLite replicas.",
    subcommands = {ServeCommand.class, FingerprintCommand.class, CheckConfigCommand.class})
public final class ReplicaServerCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** A command line whose subcommands are made with {@code context}. */
  public static CommandLine commandLine(CliContext context) {
    CommandLine.IFactory factory =
        new CommandLine.IFactory() {
          @Override
          public <K> K create(Class<K> cls) throws Exception {
            if (cls == ServeCommand.class) {
              return cls.cast(new ServeCommand(context));
            }
            if (cls == FingerprintCommand.class) {
              return cls.cast(new FingerprintCommand(context));
            }
            if (cls == CheckConfigCommand.class) {
              return cls.cast(new CheckConfigCommand(context));
            }
            return CommandLine.defaultFactory().create(cls);
          }
        };
    CommandLine cl = new CommandLine(new ReplicaServerCommand(), factory);
    cl.setOut(new PrintWriter(context.out(), true));
    cl.setErr(new PrintWriter(context.err(), true));
    return cl;
  }
}
