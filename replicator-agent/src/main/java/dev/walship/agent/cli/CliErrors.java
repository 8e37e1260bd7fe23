package dev.walship.agent.cli;

import dev.walship.agent.restore.RestoreException;
import dev.walship.toolkit.config.ConfigException;
import java.io.IOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Exit codes and what the operator sees when a command fails: 0 ok; 1 an operator's mistake (one
 * line {@code error: …} on stderr, no stack trace); 2 a usage mistake ({@code error: …} and the
 * command's synopsis). Config, restore and I/O errors are the operator's to act on; anything else
 * is a bug: its stack trace is printed, exit 1.
 */
public final class CliErrors implements IExecutionExceptionHandler, IParameterExceptionHandler {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  private final CliContext ctx;

  public CliErrors(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
    if (ex instanceof ConfigException
        || ex instanceof RestoreException
        || ex instanceof IOException) {
      // an operator's mistake or the world's (a replica down, a damaged file): one line
      ctx.err().println("error: " + ex.getMessage());
    } else {
      ctx.err().println("error: internal error in replicator " + cmd.getCommandName() + ": " + ex);
      ex.printStackTrace(ctx.err());
    }
    ctx.err().flush();
    return FAILED;
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    ctx.err().println("error: " + ex.getMessage());
    ctx.err().print("usage: " + cmd.getHelp().synopsis(0));
    ctx.err().flush();
    return USAGE;
  }
}
