package dev.walship.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs OpenSSH's real {@code sftp} and {@code ssh} clients against a server on a loopback port, the
 * way an operator would in a script: batch mode, one identity, a known_hosts file that pins the
 * server's key (strict checking), and {@code -F /dev/null} so the machine's ssh configuration is
 * never read.
 *
 * <pre>{@code
 * OpenSshClient c = new OpenSshClient("replicator", port, keys.privateKey(),
 *     OpenSshClient.knownHosts(dir, port, server.hostKeyLine()));
 * Proc.Result r = c.sftp(dir, "pwd", "ls -al", "-put junk.txt .");   // '-' = keep going on error
 * }</pre>
 */
public final class OpenSshClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final String user;
  private final String host;
  private final int port;
  private final Path identity;
  private final Path knownHosts;
  private final List<String> extraOptions;

  public OpenSshClient(String user, int port, Path identity, Path knownHosts) {
    this(user, "127.0.0.1", port, identity, knownHosts, List.of());
  }

  private OpenSshClient(
      String user,
      String host,
      int port,
      Path identity,
      Path knownHosts,
      List<String> extraOptions) {
    this.user = user;
    this.host = host;
    this.port = port;
    this.identity = identity;
    this.knownHosts = knownHosts;
    this.extraOptions = List.copyOf(extraOptions);
  }

  /**
   * Writes a known_hosts file in {@code dir} pinning {@code hostKeyLine} ({@code type base64
   * [comment]}) for {@code [127.0.0.1]:port}.
   */
  public static Path knownHosts(Path dir, int port, String hostKeyLine) {
    Path file = dir.resolve("known_hosts_" + port);
    try {
      Files.writeString(file, "[127.0.0.1]:" + port + " " + hostKeyLine.trim() + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /**
   * The same client with more command-line arguments, e.g. {@code "-c", "aes128-gcm@openssh.com"}.
   */
  public OpenSshClient with(String... args) {
    List<String> extra = new ArrayList<>(extraOptions);
    extra.addAll(List.of(args));
    return new OpenSshClient(user, host, port, identity, knownHosts, extra);
  }

  /** The same client as another user. */
  public OpenSshClient as(String otherUser) {
    return new OpenSshClient(otherUser, host, port, identity, knownHosts, extraOptions);
  }

  /** The same client with another identity file. */
  public OpenSshClient identity(Path otherIdentity) {
    return new OpenSshClient(user, host, port, otherIdentity, knownHosts, extraOptions);
  }

  /**
   * Runs {@code sftp -b} with {@code commands} (one per line; a leading {@code -} lets the batch go
   * on after that command fails) in {@code workDir}. Never throws for a non-zero exit: check it.
   */
  public Proc.Result sftp(Path workDir, String... commands) {
    Path batch = workDir.resolve(".sftp-batch-" + System.nanoTime());
    try {
      Files.writeString(batch, String.join("\n", commands) + "\n");
      List<String> cmd = new ArrayList<>();
      cmd.add(TestTools.onPath("sftp").toString());
      cmd.addAll(options());
      cmd.addAll(List.of("-P", Integer.toString(port), "-b", batch.toString(), user + "@" + host));
      return Proc.run(TIMEOUT, workDir, Map.of(), null, cmd.toArray(String[]::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      try {
        Files.deleteIfExists(batch);
      } catch (IOException ignored) {
        // best effort
      }
    }
  }

  /** Runs {@code ssh [args] user@host} (args may hold options and, after them, a command). */
  public Proc.Result ssh(String... args) {
    return Proc.run(TIMEOUT, null, Map.of(), "", sshCommand(args).toArray(String[]::new));
  }

  /** The full {@code ssh} command line, for callers that start and stop the process themselves. */
  public List<String> sshCommand(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(TestTools.onPath("ssh").toString());
    cmd.addAll(options());
    cmd.addAll(List.of("-p", Integer.toString(port)));
    List<String> rest = List.of(args);
    int split = 0;
    while (split < rest.size() && rest.get(split).startsWith("-")) {
      split += optionTakesValue(rest.get(split)) ? 2 : 1;
    }
    split = Math.min(split, rest.size());
    cmd.addAll(rest.subList(0, split));
    cmd.add(user + "@" + host);
    cmd.addAll(rest.subList(split, rest.size()));
    return cmd;
  }

  private List<String> options() {
    List<String> o =
        new ArrayList<>(
            List.of(
                "-F", "/dev/null",
                "-o", "BatchMode=yes",
                "-o", "UserKnownHostsFile=" + knownHosts,
                "-o", "StrictHostKeyChecking=yes",
                "-o", "IdentitiesOnly=yes",
                "-o", "ConnectTimeout=20",
                "-i", identity.toString()));
    o.addAll(extraOptions);
    return o;
  }

  private static boolean optionTakesValue(String option) {
    return option.length() == 2 && "bcDEeFIiJLlmOopQRSWw".indexOf(option.charAt(1)) >= 0;
  }
}
