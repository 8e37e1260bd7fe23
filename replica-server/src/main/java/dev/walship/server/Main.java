package dev.walship.server;

import dev.walship.server.cli.CliContext;
import dev.walship.server.cli.ReplicaServerCommand;
import dev.walship.server.ssh.ReplicaSshServer;
import dev.walship.toolkit.logging.LogFormat;
import dev.walship.toolkit.logging.LogTarget;
import dev.walship.toolkit.logging.Logging;
import org.slf4j.event.Level;

/**
 * Entry point of {@code replica-server}: wires the command line to the process and exits with its
 * code.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // one line per event on standard error: time, level, source, message; MINA only when something
    // is wrong, also where it logs under the names of our subclasses of its classes (the ssh
    // package's own events go to the audit logger, dev.walship.server.audit)
    Logging.configure(
        Level.INFO, LogFormat.TEXT, LogTarget.STDERR, ReplicaSshServer.class.getPackageName());
    CliContext context = new CliContext(System.getenv(), System.out, System.err);
    System.exit(ReplicaServerCommand.commandLine(context).execute(args));
  }
}
