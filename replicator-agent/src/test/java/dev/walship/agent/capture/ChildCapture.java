package dev.walship.agent.capture;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import dev.walship.format.wal.WalHeader;
import dev.walship.format.wal.WalReader;
import dev.walship.format.wal.WalScan;
import dev.walship.testing.Await;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * Test helper: a {@link CaptureProcess} child JVM, followed through its output, killed with
 * SIGKILL.
 */
final class ChildCapture implements AutoCloseable {
  private final Process process;
  private final Path db;
  private volatile Position end;
  private volatile String state = "";
  private final StringBuilder output = new StringBuilder();

  ChildCapture(Path db, long seed) throws IOException {
    this.db = db;
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            CaptureProcess.class.getName(),
            db.toString(),
            Long.toString(seed));
    pb.redirectErrorStream(true);
    process = pb.start();
    Thread t = new Thread(this::pump, "child-capture-output");
    t.setDaemon(true);
    t.start();
  }

  private void pump() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        synchronized (output) {
          output.append(line).append('\n');
        }
        if (line.startsWith("END ")) {
          String[] f = line.split(" ");
          end = new Position(Generation.parse(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3]));
          state = f[4];
        }
      }
    } catch (IOException ignored) {
      // the process died
    }
  }

  Position end() {
    return end;
  }

  /** Waits until the child copied everything committed in the live WAL. */
  void awaitCaughtUp() {
    Await.until(
        Duration.ofSeconds(30),
        "the child capture to catch up; output:\n" + output(),
        this::caughtUp);
  }

  private boolean caughtUp() throws IOException {
    Position e = end;
    if (e == null || !state.equals("CAPTURING")) {
      return false;
    }
    byte[] wal = Harness.readWal(db);
    if (wal.length < WalHeader.SIZE) {
      return true;
    }
    WalScan live = WalReader.scan(new ByteArrayInputStream(wal));
    Path shadow =
        new MetaDir(CaptureSettings.DEFAULTS.metaDirFor(db)).shadowWal(e.generation(), e.index());
    if (!Files.exists(shadow)) {
      return false;
    }
    byte[] h = Arrays.copyOf(Files.readAllBytes(shadow), WalHeader.SIZE);
    return WalHeader.parse(h, 0).sameSalts(live.header()) && live.committedEnd() == e.offset();
  }

  String output() {
    synchronized (output) {
      return output.toString();
    }
  }

  /** SIGKILL, and wait for the process to be gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
