package dev.walship.server;

import dev.walship.server.cli.CliContext;
import dev.walship.server.cli.ReplicaServerCommand;

/** Entry point of {@code replica-server}: wires the command line to the process and exits with its code. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    CliContext context = new CliContext(System.getenv(), System.out, System.err);
    System.exit(ReplicaServerCommand.commandLine(context).execute(args));
  }
}
