package dev.walship.agent.replicate;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The application {@code replicate -exec CMD} runs beside replication: started with the agent's
 * environment, standard input and output; signals the agent receives are forwarded to it, and the
 * agent exits with its exit status once it is gone (after a final sync).
 *
 * <p>{@code CMD} is split like a shell would split a simple command (as Litestream does with
 * go-shellwords): whitespace separates words, single quotes keep everything literal, double quotes
 * and backslashes escape. Variables, globs and shell operators are not interpreted; an unquoted
 * {@code | & ; < > ( ) `} is refused with a hint to use {@code sh -c '…'}.
 */
public final class ExecChild {
  private final Process process;
  private final String command;

  private ExecChild(Process process, String command) {
    this.process = process;
    this.command = command;
  }

  /** Starts {@code command} with inherited standard streams. */
  public static ExecChild start(String command) throws IOException {
    List<String> argv = split(command);
    try {
      Process p = new ProcessBuilder(argv).inheritIO().start();
      return new ExecChild(p, command);
    } catch (IOException e) {
      throw new IOException("cannot start -exec command \"" + command + "\": " + e.getMessage(), e);
    }
  }

  /** The words of {@code command}; see the class comment. */
  public static List<String> split(String command) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < command.length(); i++) {
      char c = command.charAt(i);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\\' && i + 1 < command.length()) {
        char next = command.charAt(++i);
        if (quote == '"' && next != '"' && next != '\\' && next != '$' && next != '`') {
          word.append(c);
        }
        word.append(next);
        inWord = true;
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else if ("|&;<>()`".indexOf(c) >= 0) {
        throw new IllegalArgumentException(
            "-exec \""
                + command
                + "\": unquoted '"
                + c
                + "' is a shell operator, which -exec does not interpret; use -exec \"sh -c '…'\"");
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException(
          "-exec \"" + command + "\": unterminated " + quote + " quote");
    }
    if (inWord) {
      words.add(word.toString());
    }
    if (words.isEmpty()) {
      throw new IllegalArgumentException("-exec: empty command");
    }
    return words;
  }

  public String command() {
    return command;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Sends signal {@code name} ({@code TERM}, {@code INT}, …) to the child. TERM goes through the
   * JDK; other signals through {@code kill -s NAME}, the JDK having no API for them.
   */
  public void signal(String name) throws IOException {
    if (!process.isAlive()) {
      return;
    }
    if (name.equals("TERM")) {
      process.destroy();
      return;
    }
    Process kill =
        new ProcessBuilder("kill", "-s", name, Long.toString(process.pid()))
            .redirectErrorStream(true)
            .start();
    try {
      if (!kill.waitFor(10, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits for the child to exit; returns its exit status (128 + signal number if killed). */
  public int waitFor() throws InterruptedException {
    return process.waitFor();
  }

  /** Waits at most {@code timeout}; true when it exited. */
  public boolean waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public int exitValue() {
    return process.exitValue();
  }

  /** Kills the child and waits for it: the last resort when the agent itself must go. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }
}
