package dev.walship.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Main's wiring: which commands exist and the exit codes (0 ok, 1 operator error, 2 usage). */
class MainTest {
  @TempDir Path dir;

  @Test
  void noCommandPrintsUsageAndExits2() {
    CliRun r = CliRun.run(dir, Map.of());
    assertEquals(2, r.exit());
    assertTrue(r.err().startsWith("Usage: replicator [-h] COMMAND"), r.err());
    for (String c :
        new String[] {
          "databases", "generations", "replicate", "restore", "snapshots", "version", "wal"
        }) {
      assertTrue(r.err().contains("\n  " + c + " "), c + " listed:\n" + r.err());
    }
  }

  @Test
  void helpExits0() {
    for (String h : new String[] {"-h", "-help", "--help"}) {
      CliRun r = CliRun.run(dir, Map.of(), h);
      assertEquals(0, r.exit(), h);
      assertTrue(r.out().startsWith("Usage: replicator"), r.out());
    }
    CliRun sub = CliRun.run(dir, Map.of(), "databases", "-h");
    assertEquals(0, sub.exit());
    assertTrue(sub.out().contains("-config=PATH"), sub.out());
    assertTrue(sub.out().contains("-no-expand-env"), sub.out());
  }

  @Test
  void everyCommandRunsWhenNamedFirstAloneBuilt() {
    for (String c :
        new String[] {
          "databases",
          "generations",
          "keygen",
          "replicate",
          "restore",
          "snapshots",
          "status",
          "verify",
          "wal",
          "version"
        }) {
      CliRun r = CliRun.run(dir, Map.of(), c, "-h");
      assertEquals(0, r.exit(), c + ": " + r.err());
      assertTrue(r.out().startsWith("Usage: replicator " + c), c + ": " + r.out());
    }
  }

  @Test
  void unknownCommandIsAUsageError() {
    CliRun r = CliRun.run(dir, Map.of(), "frobnicate");
    assertEquals(2, r.exit());
    assertTrue(r.err().startsWith("error: Unmatched argument at index 0: 'frobnicate'"), r.err());
  }

  @Test
  void operatorErrorsExit1WithOneLine() {
    CliRun r = CliRun.run(dir, Map.of(), "databases");
    assertEquals(1, r.exit());
    assertEquals(
        "error: config file not found: /etc/replicator.yml (the default; give -config FILE or set"
            + " $REPLICATOR_CONFIG)\n",
        r.err());
  }

  @Test
  void versionAndDatabasesAreWired() {
    assertEquals(0, CliRun.run(dir, Map.of(), "version").exit());
  }
}
