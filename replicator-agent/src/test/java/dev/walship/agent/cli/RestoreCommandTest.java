package dev.walship.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.restore.LitestreamHistory;
import dev.walship.format.store.FileReplicaStore;
import dev.walship.format.store.WalSegmentInfo;
import dev.walship.testing.Sqlite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replicator restore} as an operator runs it: flags, exit codes, one-line errors. */
class RestoreCommandTest {
  static final LitestreamHistory H = LitestreamHistory.get();
  @TempDir Path dir;

  private CliRun run(String... args) {
    return CliRun.run(dir, Map.of(), args);
  }

  @Test
  void restoresTheLatestStateByDatabasePathAndByUrl() {
    Path out = dir.resolve("by-path.db");
    CliRun r =
        run("restore", "-config", H.config.toString(), "-o", out.toString(), H.db.toString());
    assertEquals(0, r.exit(), r.err());
    assertEquals(H.latestDump, Sqlite.dump(out));
    assertTrue(r.err().startsWith("restored the latest state to " + out), r.err());
    Path byUrl = dir.resolve("by-url.db");
    CliRun u = run("restore", "-o", byUrl.toString(), "file://" + H.replica);
    assertEquals(0, u.exit(), u.err());
    assertEquals(H.latestDump, Sqlite.dump(byUrl));
  }

  @Test
  void restoresAPointInTime() {
    var first = H.dumps.entrySet().iterator().next();
    Path out = dir.resolve("pit.db");
    CliRun r =
        run(
            "restore",
            "-timestamp",
            first.getKey().toString(),
            "-o",
            out.toString(),
            "file://" + H.replica);
    assertEquals(0, r.exit(), r.err());
    assertEquals(first.getValue(), Sqlite.dump(out));
  }

  @Test
  void aUrlNeedsAnOutputPath() {
    CliRun r = run("restore", "file://" + H.replica);
    assertEquals(1, r.exit());
    assertEquals(
        "error: output path required: restoring from a replica URL needs -o PATH\n", r.err());
  }

  @Test
  void anExistingOutputIsAnErrorUnlessIfDbNotExists() throws Exception {
    Path out = dir.resolve("there.db");
    Files.writeString(out, "keep me");
    CliRun r = run("restore", "-o", out.toString(), "file://" + H.replica);
    assertEquals(1, r.exit());
    assertEquals("error: cannot restore, output path already exists: " + out + "\n", r.err());
    CliRun skip = run("restore", "-if-db-not-exists", "-o", out.toString(), "file://" + H.replica);
    assertEquals(0, skip.exit(), skip.err());
    assertEquals("keep me", Files.readString(out));
  }

  @Test
  void noGenerationIsAnErrorUnlessIfReplicaExists() {
    Path empty = dir.resolve("empty-replica");
    Path out = dir.resolve("x.db");
    CliRun r = run("restore", "-o", out.toString(), "file://" + empty);
    assertEquals(1, r.exit());
    assertEquals(
        "error: replica file: no matching backups found: no generations in file://" + empty + "\n",
        r.err());
    CliRun ok = run("restore", "-if-replica-exists", "-o", out.toString(), "file://" + empty);
    assertEquals(0, ok.exit(), ok.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void badFlagsAreNamed() {
    assertEquals(
        "error: invalid -timestamp, must specify in ISO 8601 format (e.g. 2000-01-01T00:00:00Z)\n",
        run("restore", "-timestamp", "yesterday", "-o", "x", "file://" + H.replica).err());
    assertEquals(
        "error: cannot specify index & timestamp to restore\n",
        run(
                "restore",
                "-index",
                "1",
                "-timestamp",
                "2020-01-01T00:00:00Z",
                "-o",
                "x",
                "file://" + H.replica)
            .err());
    assertTrue(
        run("restore", "-index", "zz", "-o", "x", "file://" + H.replica)
            .err()
            .startsWith("error: invalid -index \"zz\""));
  }

  @Test
  void aDamagedSegmentExitsOneWithOneLineNamingTheFileAndNothingAtTheOutput() throws Exception {
    Path replica = H.copyReplica(dir.resolve("damaged"));
    FileReplicaStore s = new FileReplicaStore(replica);
    var gens = s.generations();
    WalSegmentInfo victim = null; // a middle segment: one with a successor in its index
    for (var g : gens) {
      var segs = s.walSegments(g);
      for (int i = 0; i + 1 < segs.size(); i++) {
        if (segs.get(i).name().offset() > 0
            && segs.get(i + 1).name().index() == segs.get(i).name().index()) {
          victim = segs.get(i);
        }
      }
    }
    assertNotNull(victim, "the Litestream replica has no segment with a successor in its index");
    Files.delete(replica.resolve(victim.name().path()));
    Path out = dir.resolve("out.db");
    CliRun r =
        run(
            "restore",
            "-generation",
            victim.name().generation().name(),
            "-o",
            out.toString(),
            "file://" + replica);
    assertEquals(1, r.exit());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(
        r.err()
            .startsWith("error: file://" + replica + "/generations/" + victim.name().generation()),
        r.err());
    assertTrue(r.err().contains("newest restorable point"), r.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void indexBeyondWhatExistsIsAnError() {
    CliRun r =
        run(
            "restore",
            "-index",
            "7fff",
            "-o",
            dir.resolve("i.db").toString(),
            "file://" + H.replica);
    assertEquals(1, r.exit());
    assertTrue(
        r.err().startsWith("error: replica file: ") || r.err().contains("is beyond what"), r.err());
  }
}
