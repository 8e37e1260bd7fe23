package dev.walship.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.config.PathExpander;
import dev.walship.toolkit.config.ConfigException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class CliErrorsTest {
  /** A command that fails the way it is told to. */
  @Command(name = "fail")
  static final class Failing implements Callable<Integer> {
    @Option(names = "-n")
    int n;

    private final Exception toThrow;

    Failing(Exception toThrow) {
      this.toThrow = toThrow;
    }

    @Override
    public Integer call() throws Exception {
      throw toThrow;
    }
  }

  private final StringWriter err = new StringWriter();

  private int run(Exception e, String... args) {
    CliContext ctx =
        new CliContext(
            Map.of(),
            new PathExpander(Path.of("/"), Path.of("/")),
            new PrintWriter(new StringWriter()),
            new PrintWriter(err));
    CliErrors errors = new CliErrors(ctx);
    return new CommandLine(new Failing(e))
        .setExecutionExceptionHandler(errors)
        .setParameterExceptionHandler(errors)
        .execute(args);
  }

  @Test
  void operatorMistakeIsOneLineExit1() {
    assertEquals(1, run(new ConfigException("f.yml:3: dbs: bad")));
    assertEquals("error: f.yml:3: dbs: bad\n", err.toString());
  }

  @Test
  void usageMistakeIsErrorAndSynopsisExit2() {
    assertEquals(2, run(new ConfigException("unused"), "-n", "x"));
    assertTrue(err.toString().startsWith("error: Invalid value for option '-n'"), err.toString());
    assertTrue(err.toString().contains("usage: fail [-n=<n>]"), err.toString());
  }

  @Test
  void bugsShowTheirStackTraceExit1() {
    assertEquals(1, run(new IllegalStateException("oops")));
    assertTrue(
        err.toString()
            .startsWith(
                "error: internal error in replicator fail: java.lang.IllegalStateException: oops\n"));
    assertTrue(err.toString().contains("\tat "), err.toString());
  }
}
