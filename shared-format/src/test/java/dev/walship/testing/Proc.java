package dev.walship.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a process to completion with a timeout, capturing its output; kills it on timeout. */
public final class Proc {
  /** What a finished process left behind. */
  public record Result(List<String> command, int exit, String stdout, String stderr) {
    /** Throws with the whole transcript unless the exit status is 0. */
    public Result orThrow() {
      if (exit != 0) {
        throw new AssertionError(this.toString());
      }
      return this;
    }

    @Override
    public String toString() {
      return String.join(" ", command)
          + " -> exit "
          + exit
          + "\n--- stdout\n"
          + stdout
          + "--- stderr\n"
          + stderr;
    }
  }

  private Proc() {}

  public static Result run(Duration timeout, String... command) {
    return run(timeout, null, Map.of(), null, command);
  }

  /**
   * Runs {@code command} in {@code dir} (null: inherit) with extra {@code env}, feeding {@code
   * stdin}.
   */
  public static Result run(
      Duration timeout, Path dir, Map<String, String> env, String stdin, String... command) {
    ProcessBuilder pb = new ProcessBuilder(command);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    pb.environment().putAll(env);
    Process p = null;
    try {
      p = pb.start();
      Process proc = p;
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread t1 = drain(proc.getInputStream(), out);
      Thread t2 = drain(proc.getErrorStream(), err);
      if (stdin != null) {
        proc.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      proc.getOutputStream().close();
      if (!proc.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        proc.destroyForcibly().waitFor();
        t1.join();
        t2.join();
        throw new AssertionError(
            String.join(" ", command) + " did not finish in " + timeout + "\n" + out + "\n" + err);
      }
      t1.join();
      t2.join();
      return new Result(
          List.of(command),
          proc.exitValue(),
          out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } finally {
      if (p != null && p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  private static Thread drain(InputStream in, ByteArrayOutputStream sink) {
    Thread t =
        new Thread(
            () -> {
              try (in) {
                in.transferTo(sink);
              } catch (IOException ignored) {
                // the process went away; what was read is kept
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }
}
