package dev.walship.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Litestream v0.3.13 binary: one-shot commands ({@link #run}) and a {@code litestream
 * replicate} process ({@link #replicate}) that {@link #close()} always stops.
 */
public final class Litestream implements AutoCloseable {
  private final Process process;
  private final Path log;

  private Litestream(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Runs {@code litestream args…} to completion. */
  public static Proc.Result run(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(TestTools.litestream().toString());
    cmd.addAll(List.of(args));
    return Proc.run(Duration.ofMinutes(2), cmd.toArray(String[]::new));
  }

  /** Starts {@code litestream replicate -config config}; its output goes to {@code config}.log. */
  public static Litestream replicate(Path config) {
    Path log = Path.of(config + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                TestTools.litestream().toString(), "replicate", "-config", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    try {
      return new Litestream(pb.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the process printed so far. */
  public String log() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, as a crash would. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** SIGTERM, then waits (Litestream syncs its replicas on the way out); SIGKILL after 30 s. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
