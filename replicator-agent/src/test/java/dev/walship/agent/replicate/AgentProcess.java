package dev.walship.agent.replicate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code replicator} in a child JVM (the test's class path, {@code
 * dev.walship.agent.Main}), as an operator runs it: signals, exit status and output. {@link
 * #close()} always stops it.
 */
final class AgentProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private AgentProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code replicator args…}; stdout and stderr go to {@code log}. */
  static AgentProcess start(Path log, Map<String, String> env, String... args) {
    return startWithHeap(log, "256m", env, args);
  }

  /** Like {@link #start}, with a maximum heap of {@code heap} ({@code -Xmx}). */
  static AgentProcess startWithHeap(
      Path log, String heap, Map<String, String> env, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Xmx" + heap);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.walship.agent.Main");
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    try {
      return new AgentProcess(pb.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path logPath() {
    return log;
  }

  long pid() {
    return process.pid();
  }

  /** Its peak resident set size so far ({@code VmHWM}), in kB; -1 once it has exited. */
  long peakRssKb() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (l.startsWith("VmHWM:")) {
          return Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException gone) {
      // exited
    }
    return -1;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Prints, for the test report, the lines of an agent's log that tell what capture and shipping
   * decided: generations continued, begun or caught up, snapshots, shipper positions, errors.
   */
  static void report(String agentLog) {
    agentLog
        .lines()
        .filter(
            l ->
                l.contains("Engine")
                    || l.contains("Repair")
                    || l.contains("Shipper")
                    || l.contains("snapshot")
                    || l.contains("ERROR"))
        .forEach(System.out::println);
  }

  /** What it printed so far (and what earlier runs appended to the same log). */
  String log() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGKILL, as a crash or the OOM killer would; waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** Sends SIGTERM. */
  void term() {
    process.destroy();
  }

  /** Sends a signal by name through {@code kill -s}. */
  void signal(String name) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-s", name, Long.toString(process.pid()))
        .inheritIO()
        .start()
        .waitFor();
  }

  /** Waits for it to exit and returns its status; fails after {@code timeout}. */
  int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("replicator did not exit within " + timeout + "\n" + log());
    }
    return process.exitValue();
  }

  /** Kills it and every process it started (an {@code -exec} child), and waits for them. */
  @Override
  public void close() throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();
    children.forEach(ProcessHandle::destroyForcibly);
    if (process.isAlive()) {
      process.destroyForcibly().waitFor();
    }
    for (ProcessHandle c : children) {
      c.onExit().join();
    }
  }
}
