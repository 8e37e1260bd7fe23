package dev.walship.agent.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's two-host install, run as an admin runs it, on this machine, as root: real {@code
 * useradd} service users, {@code scripts/install --alpha} and {@code --bravo} (into a temporary
 * {@code --destdir} each, with the jars this build packaged), {@code keygen}, the configs the
 * README shows, then each installed launcher started as its unit's {@code User=} (with {@code
 * setpriv}, as systemd would) from the unit's {@code ExecStart=}; the agent replicates to the
 * installed server and the replica restores. Runs after {@code package} (the {@code install-flow}
 * execution in this module's pom), removes its users and stops its processes.
 */
class InstallFlowIT {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir Path tmp;
  private final List<Process> started = new ArrayList<>();
  private final List<String> users = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (Process p : started) {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    }
    for (String u : users) {
      run(List.of("userdel", u), Map.of());
    }
  }

  @Test
  void bothHostsInstallAndReplicateAsTheirServiceUsers() throws Exception {
    assertEquals(
        "root", System.getProperty("user.name"), "the install test runs as root (as .ci/run does)");
    String suffix =
        HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    String a = "wsalpha" + suffix;
    String b = "wsbravo" + suffix;
    Path t = tmp.toRealPath();
    Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path jars = packagedJars(t);

    // ALPHA
    useradd(a);
    Path alpha = t.resolve("alpha");
    sh(
        List.of(
            REPO.resolve("scripts/install").toString(),
            "--alpha",
            "--destdir",
            alpha.toString(),
            "--user",
            a,
            "--jars",
            jars.toString()));
    assertOwner(alpha.resolve("var/data/" + a + "/db"), a, a, "rwx------");
    assertOwner(alpha.resolve("var/lib/replica-server"), a, a, "rwx------");
    Path serverYml = alpha.resolve("etc/replica-server.yml");
    Files.writeString(
        serverYml,
        rebase(Files.readString(serverYml), alpha)
            .replace("0.0.0.0:2222", "127.0.0.1:0")
            .replace("name: replicator", "name: " + a));
    Unit server = Unit.read(alpha.resolve("etc/systemd/system/replica-server.service"), alpha);
    assertEquals(a, server.user());
    LineLog serverLog = start(server);
    Matcher listening =
        serverLog.await(Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)"), WAIT);
    int port = Integer.parseInt(listening.group(1));
    String fingerprint =
        grep(
            Pattern.compile("SHA256:\\S+"),
            run(
                asUser(
                    a,
                    List.of(
                        alpha.resolve("usr/local/bin/replica-server").toString(),
                        "fingerprint",
                        "-config",
                        serverYml.toString())),
                Map.of()));

    // BRAVO
    useradd(b);
    Path bravo = t.resolve("bravo");
    sh(
        List.of(
            REPO.resolve("scripts/install").toString(),
            "--bravo",
            "--destdir",
            bravo.toString(),
            "--user",
            b,
            "--jars",
            jars.toString()));
    assertOwner(bravo.resolve("etc/replicator"), "root", b, "rwxr-x---");
    Path key = bravo.resolve("etc/replicator/id_ed25519");
    String pub =
        sh(List.of(
                bravo.resolve("usr/local/bin/replicator").toString(),
                "keygen",
                "-f",
                key.toString()))
            .lines()
            .filter(l -> l.startsWith("ssh-ed25519 "))
            .findFirst()
            .orElseThrow();
    assertOwner(key, "root", b, "rw-r-----");
    Files.writeString(
        alpha.resolve("etc/replica-server/authorized_keys_" + a),
        pub + "\n",
        java.nio.file.StandardOpenOption.APPEND);

    Path app = Files.createDirectories(bravo.resolve("var/lib/app"));
    run(List.of("chown", b + ":" + b, app.toString()), Map.of());
    Path db = app.resolve("fruits.db");
    sqlite(
        b,
        db,
        "PRAGMA journal_mode=WAL; CREATE TABLE fruits(name TEXT, color TEXT);"
            + " INSERT INTO fruits VALUES ('appple', 'red'), ('banana', 'yellow');");
    Files.writeString(
        bravo.resolve("etc/replicator.yml"),
        """
        dbs:
          - path: %s
            replicas:
              - url: sftp://%s@127.0.0.1:%d/db/fruits
                key-path: %s
                host-key: %s
        """
            .formatted(db, a, port, key, fingerprint));
    Unit agent = Unit.read(bravo.resolve("etc/systemd/system/replicator.service"), bravo);
    assertEquals(b, agent.user());
    LineLog agentLog = start(agent);
    sqlite(b, db, "INSERT INTO fruits VALUES ('cherry', 'red');");

    Path restored = t.resolve("restored.db");
    long deadline = System.nanoTime() + WAIT.toNanos();
    String rows = "";
    while (!rows.contains("cherry") && System.nanoTime() < deadline) {
      Files.deleteIfExists(restored);
      Process p =
          new ProcessBuilder(
                  bravo.resolve("usr/local/bin/replicator").toString(),
                  "restore",
                  "-config",
                  bravo.resolve("etc/replicator.yml").toString(),
                  "-o",
                  restored.toString(),
                  db.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() == 0) {
        rows = sqliteRead(restored, "SELECT name FROM fruits ORDER BY rowid");
      } else if (!out.contains("no matching backups")) {
        fail(
            "restore failed: "
                + out
                + "\nagent:\n"
                + agentLog.text()
                + "\nserver:\n"
                + serverLog.text());
      }
      if (!rows.contains("cherry")) {
        Thread.sleep(500);
      }
    }
    assertEquals(
        "appple\nbanana\ncherry\n",
        rows,
        "agent:\n" + agentLog.text() + "\nserver:\n" + serverLog.text());
    assertTrue(!agentLog.text().contains("permission denied"), agentLog.text());
  }

  /** The jars {@code package} built, checked newer than the classes they hold. */
  private static Path packagedJars(Path t) throws IOException {
    Path dir = Files.createDirectories(t.resolve("jars"));
    for (Path jar :
        List.of(
            REPO.resolve("replicator-agent/target/replicator.jar"),
            REPO.resolve("replica-server/target/replica-server.jar"))) {
      Path classes = jar.resolveSibling("classes");
      if (!Files.exists(jar)
          || Files.getLastModifiedTime(jar).compareTo(Files.getLastModifiedTime(classes)) < 0) {
        fail(
            jar
                + " is missing or older than "
                + classes
                + ": this test runs after `package` (mvn verify)");
      }
      Files.copy(jar, dir.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }
    return dir;
  }

  private void useradd(String name) throws Exception {
    run(
        List.of(
            "useradd",
            "--system",
            "--user-group",
            "--no-create-home",
            "--home-dir",
            "/nonexistent",
            "--shell",
            "/usr/sbin/nologin",
            name),
        Map.of());
    users.add(name);
  }

  /** What systemd does for {@code User=}: that user's ids and groups, its home, no capabilities. */
  private static List<String> asUser(String user, List<String> command) {
    List<String> c =
        new ArrayList<>(
            List.of(
                "setpriv",
                "--reuid",
                user,
                "--regid",
                user,
                "--init-groups",
                "--inh-caps=-all",
                "--",
                "env",
                "HOME=/nonexistent",
                "USER=" + user,
                "LOGNAME=" + user));
    c.addAll(command);
    return c;
  }

  private LineLog start(Unit unit) throws IOException {
    Process p =
        new ProcessBuilder(asUser(unit.user(), unit.execStart()))
            .directory(new java.io.File("/"))
            .redirectErrorStream(true)
            .start();
    started.add(p);
    return LineLog.follow(p);
  }

  private static void sqlite(String user, Path db, String sql) throws Exception {
    run(asUser(user, List.of("sqlite3", db.toString(), sql)), Map.of());
  }

  private static String sqliteRead(Path db, String sql) throws Exception {
    return run(List.of("sqlite3", db.toString(), sql), Map.of());
  }

  private static String sh(List<String> command) throws Exception {
    return run(command, Map.of());
  }

  /** Runs {@code command}, returns its output; fails the test on a non-zero exit. */
  private static String run(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      fail(String.join(" ", command) + " failed:\n" + out);
    }
    return out;
  }

  private static String grep(Pattern p, String text) {
    Matcher m = p.matcher(text);
    assertTrue(m.find(), p + " not in: " + text);
    return m.group();
  }

  /** The README's absolute paths, under the install's --destdir. */
  private static String rebase(String config, Path root) {
    return config.replace(" /var/", " " + root + "/var/").replace(" /etc/", " " + root + "/etc/");
  }

  private static void assertOwner(Path p, String owner, String group, String mode)
      throws IOException {
    PosixFileAttributes at = Files.readAttributes(p, PosixFileAttributes.class);
    assertEquals(
        owner + ":" + group + " " + mode,
        at.owner().getName()
            + ":"
            + at.group().getName()
            + " "
            + PosixFilePermissions.toString(at.permissions()),
        p.toString());
  }

  /**
   * An installed unit's {@code User=} and {@code ExecStart=}, its paths under the install's
   * --destdir.
   */
  private record Unit(String user, List<String> execStart) {
    static Unit read(Path file, Path root) throws IOException {
      String user = null;
      List<String> exec = null;
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith("User=")) {
          user = line.substring(5).trim();
        } else if (line.startsWith("ExecStart=")) {
          exec =
              Stream.of(line.substring(10).trim().split("\\s+"))
                  .map(w -> w.startsWith("/") ? root + w : w)
                  .toList();
        }
      }
      assertTrue(user != null && exec != null, file + " has User= and ExecStart=");
      return new Unit(user, exec);
    }
  }

  /** A process's output, line by line, kept for waiting on and for failure messages. */
  private static final class LineLog {
    private final StringBuffer text = new StringBuffer();

    static LineLog follow(Process p) {
      LineLog log = new LineLog();
      Thread t =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String l; (l = r.readLine()) != null; ) {
                    log.text.append(l).append('\n');
                  }
                } catch (IOException e) {
                  log.text.append("(output: ").append(e).append(")\n");
                }
              },
              "install-flow-log");
      t.setDaemon(true);
      t.start();
      return log;
    }

    String text() {
      return text.toString();
    }

    Matcher await(Pattern p, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        Matcher m = p.matcher(text());
        if (m.find()) {
          return m;
        }
        Thread.sleep(50);
      }
      throw new AssertionError(p + " not seen within " + timeout + ":\n" + text());
    }
  }
}
