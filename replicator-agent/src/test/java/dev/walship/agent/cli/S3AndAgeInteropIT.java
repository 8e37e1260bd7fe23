package dev.walship.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.config.AgentConfig;
import dev.walship.agent.config.ConfigLoader;
import dev.walship.agent.config.PathExpander;
import dev.walship.agent.replicate.Replicator;
import dev.walship.format.validate.AgeEnvelope;
import dev.walship.testing.AgeCli;
import dev.walship.testing.Await;
import dev.walship.testing.Litestream;
import dev.walship.testing.S3Proxy;
import dev.walship.testing.Sqlite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real Litestream v0.3.13 and walship on one litestream.yml, both ways, on an S3 bucket
 * (s3proxy) plain and age-encrypted, and on a file replica age-encrypted: what one writes the other
 * restores exactly, at the latest state and at each recorded moment (point in time by S3's {@code
 * LastModified} or the file's mtime).
 */
class S3AndAgeInteropIT {
  static final S3Proxy S3 = S3Proxy.shared();
  @TempDir static Path keys;
  static AgeCli.KeyPair key;

  @TempDir Path tmp;

  @BeforeAll
  static void keygen() {
    key = AgeCli.keygen(keys, "agent.txt");
  }

  static Stream<Arguments> replicas() {
    return Stream.of(
        Arguments.of("s3", false), Arguments.of("s3", true), Arguments.of("file", true));
  }

  /** One litestream.yml for both programs. */
  private Path config(Path db, String kind, boolean age) throws IOException {
    StringBuilder y = new StringBuilder();
    y.append("dbs:\n  - path: ").append(db).append('\n');
    y.append(
        "    monitor-interval: 50ms\n    checkpoint-interval: 1h\n    min-checkpoint-page-count: 30\n");
    y.append("    replicas:\n");
    if (kind.equals("s3")) {
      y.append("      - type: s3\n        bucket: ").append(S3.newBucket("interop")).append('\n');
      y.append("        path: app/db\n        endpoint: ").append(S3.endpoint()).append('\n');
      y.append("        access-key-id: ").append(S3.accessKey()).append('\n');
      y.append("        secret-access-key: ").append(S3.secretKey()).append('\n');
    } else {
      y.append("      - path: ").append(tmp.resolve("replica")).append('\n');
    }
    y.append("        sync-interval: 50ms\n");
    if (age) {
      y.append("        age:\n          identities:\n            - |\n");
      key.fileText().lines().forEach(l -> y.append("              ").append(l).append('\n'));
      y.append("          recipients: [").append(key.recipient()).append("]\n");
    }
    return Files.writeString(tmp.resolve("litestream.yml"), y.toString());
  }

  @ParameterizedTest(name = "{0}, age {1}")
  @MethodSource("replicas")
  void litestreamWritesWalshipRestores(String kind, boolean age) throws Exception {
    Path db = tmp.resolve("app.db");
    Path cfg = config(db, kind, age);
    Map<Instant, String> moments = new LinkedHashMap<>();
    try (Connection c = Sqlite.openWal(db, 0)) {
      Sqlite.exec(c, "create table fruits(name text, color text, blob)");
      try (Litestream ls = Litestream.replicate(cfg)) {
        for (int phase = 0; phase < 3; phase++) {
          write(c, phase * 40, phase * 40 + 40);
          awaitShipped(ls, cfg, db);
          moments.put(record(), Sqlite.dump(db));
        }
        write(c, 120, 130); // after the last moment, as walship's own test does
        awaitShipped(ls, cfg, db);
      }
    }
    assertEncrypted(kind, age);
    assertEquals(Sqlite.dump(db), walshipRestore(cfg, db, null));
    for (var m : moments.entrySet()) {
      assertEquals(m.getValue(), walshipRestore(cfg, db, m.getKey()), "as of " + m.getKey());
    }
  }

  @ParameterizedTest(name = "{0}, age {1}")
  @MethodSource("replicas")
  void walshipWritesLitestreamRestores(String kind, boolean age) throws Exception {
    Path db = tmp.resolve("app.db");
    Path cfg = config(db, kind, age);
    AgentConfig config =
        new ConfigLoader(Map.of(), new PathExpander(tmp, tmp))
            .parse(Files.readString(cfg), cfg.toString(), true);
    Map<Instant, String> moments = new LinkedHashMap<>();
    try (Connection c = Sqlite.openWal(db, 0)) {
      Sqlite.exec(c, "create table fruits(name text, color text, blob)");
      try (Replicator r = Replicator.builder().database(config.dbs().get(0)).start()) {
        for (int phase = 0; phase < 3; phase++) {
          write(c, phase * 40, phase * 40 + 40);
          awaitShipped(
              null, cfg, db); // capture may not have seen the last commit when sync() is called
          moments.put(record(), Sqlite.dump(db));
        }
        write(c, 120, 130); // Litestream restores a moment only if the generation has a later file
        awaitShipped(null, cfg, db);
        assertTrue(r.sync(Duration.ofSeconds(60)));
      }
    }
    assertEncrypted(kind, age);
    assertEquals(Sqlite.dump(db), litestreamRestore(cfg, db, null));
    for (var m : moments.entrySet()) {
      assertEquals(m.getValue(), litestreamRestore(cfg, db, m.getKey()), "as of " + m.getKey());
    }
  }

  /**
   * Waits until walship restores the source's state from the replica ({@code ls}: Litestream writes
   * it).
   */
  private void awaitShipped(Litestream ls, Path cfg, Path db) {
    String[] last = {""};
    try {
      Await.until(
          Duration.ofSeconds(60),
          "the replica holds what was written",
          () -> {
            assertTrue(ls == null || ls.isAlive(), ls == null ? "" : ls.log());
            last[0] = walshipRestore(cfg, db, null);
            return Sqlite.dump(db).equals(last[0]); // Litestream adds its own tables at first
          });
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage()
              + "\nlast restore: "
              + last[0].lines().limit(3).toList()
              + "\n"
              + (ls == null ? "" : ls.log())
              + "\n"
              + inspect(cfg, db),
          e);
    }
  }

  /** Rows of varied sizes; past 30 pages capture checkpoints, so the WAL spans several indices. */
  private static void write(Connection c, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      Sqlite.exec(
          c,
          "insert into fruits values('fruit"
              + i
              + "', 'color"
              + (i % 7)
              + "', randomblob("
              + (100 + (i * 37) % 3000)
              + "))");
    }
  }

  /**
   * Now, once the replica holds it; the next writes land in a later second (S3 times are whole
   * seconds).
   */
  private static Instant record() throws InterruptedException {
    Instant t = Instant.now();
    Thread.sleep(1100 - Instant.now().getNano() / 1_000_000);
    return t;
  }

  private String walshipRestore(Path cfg, Path db, Instant at) {
    Path out = tmp.resolve("walship-" + System.nanoTime() + ".db");
    CliRun r =
        at == null
            ? CliRun.run(
                tmp,
                Map.of(),
                "restore",
                "-config",
                cfg.toString(),
                "-o",
                out.toString(),
                db.toString())
            : CliRun.run(
                tmp,
                Map.of(),
                "restore",
                "-config",
                cfg.toString(),
                "-timestamp",
                at.toString(),
                "-o",
                out.toString(),
                db.toString());
    if (r.exit() != 0) {
      return "restore failed: " + r.err();
    }
    return Sqlite.dump(out);
  }

  private String litestreamRestore(Path cfg, Path db, Instant at) {
    Path out = tmp.resolve("litestream-" + System.nanoTime() + ".db");
    var r =
        at == null
            ? Litestream.run(
                "restore", "-config", cfg.toString(), "-o", out.toString(), db.toString())
            : Litestream.run(
                "restore",
                "-config",
                cfg.toString(),
                "-timestamp",
                at.toString(),
                "-o",
                out.toString(),
                db.toString());
    if (r.exit() != 0) {
      throw new AssertionError(r + "\n" + inspect(cfg, db));
    }
    assertEquals("ok\n", Sqlite.cli(out, "PRAGMA integrity_check"));
    return Sqlite.dump(out);
  }

  /** What Litestream and walship list of the replica, for failure messages. */
  private String inspect(Path cfg, Path db) {
    StringBuilder sb = new StringBuilder();
    for (String cmd : new String[] {"generations", "snapshots", "wal"}) {
      sb.append("litestream ")
          .append(cmd)
          .append(":\n")
          .append(Litestream.run(cmd, "-config", cfg.toString(), db.toString()).stdout());
      CliRun r = CliRun.run(tmp, Map.of(), cmd, "-config", cfg.toString(), db.toString());
      sb.append("replicator ").append(cmd).append(":\n").append(r.out()).append(r.err());
    }
    return sb.toString();
  }

  /** Every replica file is an age file when age is on, an LZ4 file when it is off. */
  private void assertEncrypted(String kind, boolean age) throws IOException {
    Path root = kind.equals("s3") ? S3.bucketDir(lastBucket()) : tmp.resolve("replica");
    try (Stream<Path> files = Files.walk(root)) {
      long n =
          files
              .filter(p -> p.toString().endsWith(".lz4"))
              .peek(
                  p -> {
                    try {
                      assertEquals(age, AgeEnvelope.isAge(Files.readAllBytes(p)), p.toString());
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  })
              .count();
      assertTrue(n >= 2, "replica files: " + n);
    }
  }

  private String lastBucket() throws IOException {
    String yml = Files.readString(tmp.resolve("litestream.yml"));
    int at = yml.indexOf("bucket: ") + "bucket: ".length();
    return yml.substring(at, yml.indexOf('\n', at)).strip();
  }
}
