package dev.walship.server.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code replica-server serve} as its own process (the test JVM's class path, {@code Main}), its
 * log captured in a file, so tests can send it real signals and read what an operator would read.
 */
final class ServerProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private ServerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static ServerProcess serve(Path config, Path log) {
    return serve(config, log, null);
  }

  /** Like {@link #serve(Path, Path)}, with the process's umask set first (e.g. {@code 000}). */
  static ServerProcess serve(Path config, Path log, String umask) {
    List<String> wrapper = new ArrayList<>();
    if (umask != null) {
      // sh sets the umask, then exec: the process is still the JVM itself.
      wrapper.addAll(List.of("/bin/sh", "-c", "umask " + umask + " && exec \"$@\"", "sh"));
    }
    return serve(config, log, wrapper, System.getProperty("java.class.path"));
  }

  /**
   * Like {@link #serve(Path, Path)}, started through {@code wrapper} (a command that ends by
   * exec'ing its arguments, such as {@code setpriv …}) with class path {@code classPath}.
   */
  static ServerProcess serve(Path config, Path log, List<String> wrapper, String classPath) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(wrapper);
    cmd.addAll(
        List.of(
            java,
            "-Xmx256m",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            classPath,
            "dev.walship.server.Main",
            "serve",
            "-config",
            config.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    try {
      return new ServerProcess(pb.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The log so far. */
  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for a log line matching {@code regex}; returns its first group (or the whole match). */
  String await(String regex) throws InterruptedException {
    Pattern p = Pattern.compile(regex);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = p.matcher(log());
      if (m.find()) {
        return m.groupCount() > 0 ? m.group(1) : m.group();
      }
      if (!process.isAlive()) {
        throw new AssertionError(
            "the server exited ("
                + process.exitValue()
                + ") before logging /"
                + regex
                + "/:\n"
                + log());
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no log line /" + regex + "/ within 30 s:\n" + log());
  }

  int port() throws InterruptedException {
    return Integer.parseInt(await("listening on 127\\.0\\.0\\.1:(\\d+) "));
  }

  /** Sends SIGHUP, as {@code systemctl reload} does. */
  void hangup() throws InterruptedException {
    try {
      Process kill =
          new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start();
      if (kill.waitFor() != 0) {
        throw new AssertionError("kill -HUP " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How many log lines so far match {@code regex}. */
  long count(String regex) {
    Pattern p = Pattern.compile(regex);
    return logLines().stream().filter(l -> p.matcher(l).find()).count();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Sends SIGTERM. */
  void terminate() {
    process.destroy();
  }

  /** Waits for the exit; the exit status. */
  int exit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running after " + timeout + ":\n" + log());
    }
    return process.exitValue();
  }

  List<String> logLines() {
    return List.of(log().split("\n"));
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor();
    }
  }
}
