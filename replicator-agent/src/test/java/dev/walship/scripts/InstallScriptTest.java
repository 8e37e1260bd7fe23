package dev.walship.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.Proc;
import dev.walship.testing.TestTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/install} into a DESTDIR: the files it lays out, units systemd accepts, uninstall.
 */
class InstallScriptTest {
  @TempDir Path tmp;

  private Proc.Result install(Path dest, String... extra) throws Exception {
    Path jars = Files.createDirectories(tmp.resolve("jars"));
    Files.writeString(jars.resolve("replica-server.jar"), "server jar");
    Files.writeString(jars.resolve("replicator.jar"), "agent jar");
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                TestTools.repoRoot().resolve("scripts/install").toString(),
                "--destdir",
                dest.toString(),
                "--jars",
                jars.toString()));
    cmd.addAll(List.of(extra));
    return Proc.run(Duration.ofMinutes(1), cmd.toArray(String[]::new));
  }

  @Test
  void laysOutJarsLaunchersUnitsAndExamples() throws Exception {
    Path dest = tmp.resolve("root");
    install(dest, "--alpha", "--bravo").orThrow();
    assertEquals(
        "server jar", Files.readString(dest.resolve("usr/local/lib/walship/replica-server.jar")));
    assertEquals(
        "agent jar", Files.readString(dest.resolve("usr/local/lib/walship/replicator.jar")));
    for (String prog : new String[] {"replica-server", "replicator"}) {
      Path launcher = dest.resolve("usr/local/bin/" + prog);
      assertTrue(Files.isExecutable(launcher), prog);
      assertTrue(
          Files.readString(launcher).contains("-jar \"$here/../lib/walship/" + prog + ".jar\""),
          prog);
    }
    assertTrue(
        Files.readString(dest.resolve("usr/local/bin/replicator"))
            .contains("-XX:SharedArchiveFile=/usr/local/lib/walship/replicator.jsa"),
        "the agent starts from its CDS archive");
    assertFalse(
        Files.exists(dest.resolve("usr/local/lib/walship/replicator.jsa")),
        "under --destdir no archive is trained (it must be trained at the jar's final path)");
    assertTrue(Files.exists(dest.resolve("etc/replica-server.yml.example")));
    assertTrue(Files.exists(dest.resolve("usr/local/share/doc/walship/README.md")));
    assertTrue(
        Files.exists(dest.resolve("usr/local/share/doc/walship/docs/design.md")),
        "the README's links resolve");
    assertTrue(Files.exists(dest.resolve("etc/replicator.yml.example")));
    assertTrue(
        Files.exists(dest.resolve("etc/replica-server.yml")), "ALPHA gets a starting config");
    assertTrue(Files.isDirectory(dest.resolve("var/data/replicator/db")));
    assertEquals(
        "rwx------",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(dest.resolve("var/lib/replica-server"))));
    assertTrue(Files.exists(dest.resolve("etc/replica-server/authorized_keys_replicator")));
    String unit = Files.readString(dest.resolve("etc/systemd/system/replica-server.service"));
    for (String hardening :
        new String[] {
          "NoNewPrivileges=yes",
          "ProtectSystem=strict",
          "ReadWritePaths=/var/data /var/lib/replica-server",
          "Restart=on-failure",
          "ExecReload=/bin/kill -HUP $MAINPID"
        }) {
      assertTrue(unit.contains(hardening), hardening);
    }
  }

  /**
   * The installed agent launcher starts restore and the inspection commands with the short-lived
   * commands' JVM options, `replicate` without them, and $REPLICATOR_JAVA_OPTS replaces both; a
   * `java` on PATH that prints its arguments stands in for the JVM.
   */
  @Test
  void shortLivedCommandsGetTheirJvmOptionsReplicateDoesNot() throws Exception {
    Path dest = tmp.resolve("root");
    install(dest, "--bravo").orThrow();
    Path bin = Files.createDirectories(tmp.resolve("fakebin"));
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
    java.toFile().setExecutable(true);
    String launcher = dest.resolve("usr/local/bin/replicator").toString();
    java.util.function.BiFunction<Map<String, String>, String, String> args =
        (env, command) -> {
          Map<String, String> e = new java.util.HashMap<>(env);
          e.put("PATH", bin + ":" + System.getenv("PATH"));
          return Proc.run(Duration.ofMinutes(1), null, e, "", launcher, command).orThrow().stdout();
        };
    String shortOpts = "-XX:CompileThresholdScaling=";
    assertTrue(args.apply(Map.of(), "restore").contains(shortOpts), "restore");
    assertTrue(args.apply(Map.of(), "generations").contains(shortOpts), "generations");
    assertFalse(args.apply(Map.of(), "replicate").contains(shortOpts), "replicate");
    String replaced = args.apply(Map.of("REPLICATOR_JAVA_OPTS", "-Xmx64m"), "restore");
    assertTrue(replaced.startsWith("-Xmx64m ") && !replaced.contains(shortOpts), replaced);
  }

  @Test
  void systemdAcceptsBothUnits() throws Exception {
    Path dest = tmp.resolve("root");
    install(dest, "--alpha").orThrow();
    // ExecReload runs the system's /bin/kill, which the verified root must hold as a real one does.
    Path kill = Files.createDirectories(dest.resolve("bin")).resolve("kill");
    Files.copy(TestTools.onPath("kill"), kill, StandardCopyOption.COPY_ATTRIBUTES);
    Proc.Result r =
        Proc.run(
            Duration.ofMinutes(1),
            TestTools.onPath("systemd-analyze").toString(),
            "verify",
            "--recursive-errors=no",
            "--root=" + dest,
            "/etc/systemd/system/replica-server.service",
            "/etc/systemd/system/replicator.service");
    assertEquals(0, r.exit(), r.toString());
    assertEquals("", r.stderr().trim(), r.toString());
  }

  @Test
  void systemdWouldRefuseABrokenUnit() throws Exception {
    Path dest = tmp.resolve("root");
    install(dest).orThrow();
    Files.delete(dest.resolve("usr/local/bin/replicator"));
    Proc.Result r =
        Proc.run(
            Duration.ofMinutes(1),
            TestTools.onPath("systemd-analyze").toString(),
            "verify",
            "--recursive-errors=no",
            "--root=" + dest,
            "/etc/systemd/system/replicator.service");
    assertTrue(r.exit() != 0, "the verification this test relies on can fail: " + r);
  }

  @Test
  void anotherPrefixAndUninstall() throws Exception {
    Path dest = tmp.resolve("root");
    install(dest, "--prefix", "/opt/walship").orThrow();
    assertTrue(
        Files.readString(dest.resolve("etc/systemd/system/replicator.service"))
            .contains(
                "ExecStart=/opt/walship/bin/replicator replicate -config /etc/replicator.yml"));
    Proc.run(
            Duration.ofMinutes(1),
            TestTools.repoRoot().resolve("scripts/install").toString(),
            "--uninstall",
            "--destdir",
            dest.toString(),
            "--prefix",
            "/opt/walship")
        .orThrow();
    assertFalse(Files.exists(dest.resolve("opt/walship/bin/replicator")));
    assertFalse(Files.exists(dest.resolve("opt/walship/lib/walship")));
    assertFalse(Files.exists(dest.resolve("etc/systemd/system/replica-server.service")));
  }

  @Test
  void refusesToTouchTheSystemWithoutRootOrDestdir() throws Exception {
    Proc.Result r =
        Proc.run(
            Duration.ofMinutes(1),
            TestTools.repoRoot().resolve("scripts/install").toString(),
            "--bogus");
    assertEquals(2, r.exit());
    assertTrue(r.stderr().startsWith("error: unknown option --bogus"), r.stderr());
  }
}
