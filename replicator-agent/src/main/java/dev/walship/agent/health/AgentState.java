package dev.walship.agent.health;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * What a running agent reports about one replica, for {@code replicator status} (a separate
 * process): the last error of the current run of failures, since when, and how many attempts.
 * Written by the agent to {@code <meta-path>/agent/<replica>.state} when it changes (atomically:
 * temporary name, rename), removed when replication stops; read only while the process that wrote
 * it is alive, so a killed agent's report is never shown as current.
 *
 * @param pid the agent's process id
 * @param lastError the last error's message, or null when the last attempt succeeded
 * @param since the first failure of the current run, or null
 * @param attempts failed attempts in a row
 */
public record AgentState(long pid, String lastError, Instant since, int attempts) {
  static final String DIR = "agent";

  /**
   * Where the agent publishes the state of {@code replica} of the database whose meta directory is
   * {@code meta}.
   */
  public static Path file(Path meta, String replica) {
    return meta.resolve(DIR).resolve(encode(replica) + ".state");
  }

  /** Whether the replica is failing now. */
  public boolean failing() {
    return attempts > 0 && lastError != null;
  }

  /** Writes this state for {@code replica} (replacing the previous one). */
  public void write(Path meta, String replica) throws IOException {
    Path f = file(meta, replica);
    Files.createDirectories(f.getParent());
    Properties p = new Properties();
    p.setProperty("pid", Long.toString(pid));
    p.setProperty("attempts", Integer.toString(attempts));
    if (lastError != null) {
      p.setProperty("last-error", lastError);
    }
    if (since != null) {
      p.setProperty("since", since.toString());
    }
    StringWriter text = new StringWriter();
    p.store(text, "replicator: state of replica " + replica + " (read by `replicator status`)");
    Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
    Files.writeString(tmp, text.toString(), StandardCharsets.UTF_8);
    Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Removes what was published for {@code replica}. */
  public static void remove(Path meta, String replica) throws IOException {
    Files.deleteIfExists(file(meta, replica));
  }

  /**
   * The state a live agent published for {@code replica}; empty when none, or its process is gone.
   */
  public static Optional<AgentState> read(Path meta, String replica) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file(meta, replica), StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException | IllegalArgumentException unreadable) {
      return Optional
          .empty(); // none, or unreadable by this user: status shows what it reads itself
    }
    try {
      long pid = Long.parseLong(p.getProperty("pid", "-1"));
      if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        String since = p.getProperty("since");
        return Optional.of(
            new AgentState(
                pid,
                p.getProperty("last-error"),
                since == null ? null : Instant.parse(since),
                Integer.parseInt(p.getProperty("attempts", "0"))));
      }
    } catch (RuntimeException damaged) {
      // a damaged report says nothing
    }
    return Optional.empty();
  }

  /**
   * A replica name as a file name: letters, digits, {@code -_.} as they are, anything else {@code
   * %XX}.
   */
  static String encode(String name) {
    StringBuilder b = new StringBuilder();
    for (byte c : name.getBytes(StandardCharsets.UTF_8)) {
      boolean safe =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_'
              || (c == '.' && b.length() > 0);
      b.append(
          safe
              ? String.valueOf((char) c)
              : String.format(java.util.Locale.ROOT, "%%%02X", c & 0xff));
    }
    return b.toString();
  }
}
