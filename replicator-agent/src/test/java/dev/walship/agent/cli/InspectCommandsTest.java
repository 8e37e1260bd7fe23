package dev.walship.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.restore.LitestreamHistory;
import dev.walship.testing.Litestream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code generations}, {@code snapshots} and {@code wal} print the same rows as the real Litestream
 * v0.3.13 for the same replica, by database path (through the config) and by replica URL.
 */
class InspectCommandsTest {
  static final LitestreamHistory H = LitestreamHistory.get();
  @TempDir Path dir;

  private static List<String> litestream(String... args) {
    return Litestream.run(args).orThrow().stdout().lines().toList();
  }

  private CliRun ours(String... args) {
    CliRun r = CliRun.run(dir, Map.of(), args);
    assertEquals(0, r.exit(), r.err());
    assertEquals("", r.err());
    return r;
  }

  @Test
  void snapshotsByPathAndUrlMatchLitestream() {
    String cfg = H.config.toString();
    assertEquals(
        litestream("snapshots", "-config", cfg, H.db.toString()),
        ours("snapshots", "-config", cfg, H.db.toString()).out().lines().toList());
    String url = "file://" + H.replica;
    assertEquals(litestream("snapshots", url), ours("snapshots", url).out().lines().toList());
  }

  @Test
  void walByPathAndUrlMatchLitestream() {
    String cfg = H.config.toString();
    List<String> theirs = litestream("wal", "-config", cfg, H.db.toString());
    assertTrue(theirs.size() > 5, theirs.toString());
    assertEquals(theirs, ours("wal", "-config", cfg, H.db.toString()).out().lines().toList());
    String url = "file://" + H.replica;
    assertEquals(litestream("wal", url), ours("wal", url).out().lines().toList());
    String gen = theirs.get(1).split("\\s+")[1];
    assertEquals(
        litestream("wal", "-generation", gen, url),
        ours("wal", "-generation", gen, url).out().lines().toList());
  }

  @Test
  void generationsByPathMatchLitestreamLagIncluded() {
    String cfg = H.config.toString();
    List<String> theirs = litestream("generations", "-config", cfg, H.db.toString());
    assertEquals(3, theirs.size(), theirs.toString());
    assertEquals(
        theirs, ours("generations", "-config", cfg, H.db.toString()).out().lines().toList());
  }

  @Test
  void generationsByUrlMatchLitestreamButTheLag() {
    String url = "file://" + H.replica;
    List<String> theirs = litestream("generations", url);
    List<String> ours = ours("generations", url).out().lines().toList();
    assertEquals(theirs.size(), ours.size());
    for (int i = 0; i < theirs.size(); i++) {
      String[] a = theirs.get(i).split("\\s+");
      String[] b = ours.get(i).split("\\s+");
      assertEquals(
          List.of(a[0], a[1], a[3], a[4]),
          List.of(b[0], b[1], b[3], b[4]),
          "lag is measured from now");
    }
  }

  @Test
  void aReplicaUrlExcludesConfigAndAnUnknownDatabaseIsNamed() {
    CliRun r =
        CliRun.run(
            dir, Map.of(), "snapshots", "-config", H.config.toString(), "file://" + H.replica);
    assertEquals(1, r.exit());
    assertEquals("error: cannot specify a replica URL and the -config flag\n", r.err());
    CliRun u = CliRun.run(dir, Map.of(), "wal", "-config", H.config.toString(), "/nope.db");
    assertEquals(1, u.exit());
    assertEquals("error: database not found in config: /nope.db\n", u.err());
    CliRun n =
        CliRun.run(
            dir,
            Map.of(),
            "generations",
            "-config",
            H.config.toString(),
            "-replica",
            "s3",
            H.db.toString());
    assertEquals("error: replica \"s3\" not found for database \"" + H.db + "\"\n", n.err());
  }

  @Test
  void truncatesTheLagAsLitestreamDoes() {
    assertEquals(
        "12s",
        dev.walship.toolkit.config.GoDuration.format(
            GenerationsCommand.truncate(java.time.Duration.ofMillis(12_345))));
    // a generation without files counts from Go's zero time, ~2000 years back: Go's Sub saturates
    java.time.Duration ages =
        java.time.Duration.between(
            java.time.Instant.parse("0001-01-01T00:00:00Z"),
            java.time.Instant.parse("2026-12-02T10:00:00Z"));
    assertEquals(
        "2562047h47m16s",
        dev.walship.toolkit.config.GoDuration.format(GenerationsCommand.truncate(ages)));
    assertEquals(
        "-2562047h47m16s",
        dev.walship.toolkit.config.GoDuration.format(GenerationsCommand.truncate(ages.negated())));
    assertEquals(
        "2.3s",
        dev.walship.toolkit.config.GoDuration.format(
            GenerationsCommand.truncate(java.time.Duration.ofMillis(2_345))));
    assertEquals(
        "345ms",
        dev.walship.toolkit.config.GoDuration.format(
            GenerationsCommand.truncate(java.time.Duration.ofNanos(345_678_901))));
    assertEquals(
        "-12s",
        dev.walship.toolkit.config.GoDuration.format(
            GenerationsCommand.truncate(java.time.Duration.ofMillis(-12_345))));
  }
}
