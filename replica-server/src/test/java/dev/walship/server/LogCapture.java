package dev.walship.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * The server's log lines (the tests' logback console appender writes each to whatever {@code
 * System.err} is at that moment) while a test runs in the same JVM: still printed, and kept for
 * assertions. Tests in one JVM run one after another, so swapping {@code System.err} is safe.
 * MINA's client, which runs in the same JVM, logs errors only meanwhile: its complaints about
 * refusals the tests provoke are not the server's lines.
 */
public final class LogCapture implements AutoCloseable {
  private static final String CLIENT = "org.apache.sshd.client";

  private final PrintStream original;
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private final Level clientLevel;

  private LogCapture() {
    Logger client = (Logger) LoggerFactory.getLogger(CLIENT);
    clientLevel = client.getLevel();
    client.setLevel(Level.ERROR);
    original = System.err;
    OutputStream tee =
        new OutputStream() {
          @Override
          public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            synchronized (kept) {
              kept.write(b, off, len);
            }
            original.write(b, off, len);
          }
        };
    System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
  }

  public static LogCapture start() {
    return new LogCapture();
  }

  /** The complete lines logged so far. */
  public List<String> lines() {
    String all;
    synchronized (kept) {
      all = kept.toString(StandardCharsets.UTF_8);
    }
    int end = all.lastIndexOf('\n');
    return end < 0 ? List.of() : List.of(all.substring(0, end).split("\n", -1));
  }

  /** The lines that contain {@code text}. */
  public List<String> containing(String text) {
    return lines().stream().filter(l -> l.contains(text)).toList();
  }

  /** Waits (up to 20 s) for a line matching {@code regex} and returns it. */
  public String await(String regex) {
    Pattern p = Pattern.compile(regex);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    do {
      for (String l : lines()) {
        if (p.matcher(l).find()) {
          return l;
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    } while (System.nanoTime() < deadline);
    throw new AssertionError(
        "no log line /"
            + regex
            + "/ within 20 s:\n"
            + lines().stream().collect(Collectors.joining("\n")));
  }

  /** Forgets what was logged so far. */
  public void clear() {
    synchronized (kept) {
      kept.reset();
    }
  }

  @Override
  public void close() {
    System.setErr(original);
    ((Logger) LoggerFactory.getLogger(CLIENT)).setLevel(clientLevel);
  }
}
