package dev.walship.agent.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.Main;
import dev.walship.agent.cli.CliContext;
import dev.walship.agent.config.PathExpander;
import dev.walship.agent.replicate.Replicator;
import dev.walship.format.lz4.Lz4;
import dev.walship.format.store.FileReplicaStore;
import dev.walship.format.wal.WalChecksum;
import dev.walship.format.wal.WalHeader;
import dev.walship.testing.Sqlite;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code validation-interval} and {@code replicator verify} against a real database replicated by
 * the real engine to a file replica, then one WAL segment of the replica corrupted (valid name,
 * valid LZ4, other page bytes): with the checksums left broken (the restore fails on that file) and
 * with them recomputed (only the page comparison can tell; the file is found by its frames).
 */
class ValidationIT {
  private static final Duration INTERVAL = Duration.ofMillis(300);
  @TempDir Path tmp;

  @Test
  void brokenChecksumsAreAMismatchNamingTheSegment() throws Exception {
    corruptAndCheck(false);
  }

  @Test
  void consistentForgeryIsAMismatchNamingTheSegment() throws Exception {
    corruptAndCheck(true);
  }

  private void corruptAndCheck(boolean fixChecksums) throws Exception {
    Path db = tmp.resolve("app.db");
    Path replica = tmp.resolve("replica");
    try (Connection c = Sqlite.openWal(db, 1000)) {
      Sqlite.exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
      try (Replicator r =
          Replicator.builder()
              .database(db)
              .replica(new FileReplicaStore(replica))
              .validation(INTERVAL)
              .random(new SplittableRandom(5))
              .metrics("127.0.0.1:0")
              .start()) {
        for (int i = 0; i < 20; i++) {
          Sqlite.exec(c, "INSERT INTO t(v) VALUES (printf('%.3000c', 'x'))");
        }
        assertTrue(r.sync(Duration.ofSeconds(30)));
        ValidationLoop loop = r.validations().get(0);
        Verdict ok = await(loop, v -> v.result() == Verdict.Result.OK, Duration.ofSeconds(30));
        assertTrue(ok.detail().contains("pages match"), ok.toString());

        Path seg = lastSegment(replica);
        corrupt(seg, fixChecksums);
        long before = loop.count(Verdict.Result.MISMATCH);
        long start = System.nanoTime();
        Verdict bad =
            await(loop, v -> loop.count(Verdict.Result.MISMATCH) > before, Duration.ofSeconds(30));
        assertEquals(Verdict.Result.MISMATCH, bad.result(), bad.toString());
        assertTrue(bad.detail().contains(seg.getFileName().toString()), bad.toString());
        assertTrue(
            Duration.ofNanos(System.nanoTime() - start).compareTo(INTERVAL.multipliedBy(10)) < 0,
            "reported within the next checks");
        String metrics =
            new String(
                java.net
                    .URI
                    .create("http://127.0.0.1:" + r.metricsPort() + "/metrics")
                    .toURL()
                    .openStream()
                    .readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(
            java.util.regex.Pattern.compile(
                    "(?m)^walship_replica_validations_total\\{db=\"[^\"]+\",replica=\"replica\",result=\"mismatch\"} [1-9]")
                .matcher(metrics)
                .find(),
            metrics);
      }
    }
    Path config = tmp.resolve("litestream.yml");
    Files.writeString(
        config, "dbs:\n  - path: " + db + "\n    replicas:\n      - url: file://" + replica + "\n");
    StringWriter out = new StringWriter();
    CliContext ctx =
        new CliContext(
            Map.of(),
            new PathExpander(tmp, tmp),
            new PrintWriter(out),
            new PrintWriter(new StringWriter()));
    int exit = Main.run(new String[] {"verify", "-config", config.toString(), db.toString()}, ctx);
    assertEquals(1, exit, out.toString());
    assertTrue(out.toString().contains("validation mismatch"), out.toString());
    assertTrue(
        out.toString().contains(lastSegment(replica).getFileName().toString()), out.toString());
  }

  @Test
  void verifyPassesOnAnIntactReplicaWithTheAgentStopped() throws Exception {
    Path db = tmp.resolve("ok.db");
    Path replica = tmp.resolve("okreplica");
    try (Connection c = Sqlite.openWal(db, 1000)) {
      Sqlite.exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
      try (Replicator r =
          Replicator.builder().database(db).replica(new FileReplicaStore(replica)).start()) {
        for (int i = 0; i < 50; i++) {
          Sqlite.exec(c, "INSERT INTO t(v) VALUES (printf('%.500c', 'y'))");
        }
        assertTrue(r.sync(Duration.ofSeconds(30)));
      }
      Sqlite.exec(c, "INSERT INTO t(v) VALUES ('written after the agent stopped')");
    }
    Path config = tmp.resolve("ok.yml");
    Files.writeString(
        config, "dbs:\n  - path: " + db + "\n    replicas:\n      - url: file://" + replica + "\n");
    StringWriter out = new StringWriter();
    CliContext ctx =
        new CliContext(
            Map.of(),
            new PathExpander(tmp, tmp),
            new PrintWriter(out),
            new PrintWriter(new StringWriter()));
    assertEquals(
        0, Main.run(new String[] {"verify", "-config", config.toString()}, ctx), out.toString());
    assertTrue(out.toString().contains("validation ok"), out.toString());
  }

  private static Verdict await(ValidationLoop loop, Predicate<Verdict> done, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Verdict v = loop.last();
      if (v != null && done.test(v)) {
        return v;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no such verdict within " + timeout + "; last: " + loop.last());
  }

  private static Path lastSegment(Path replica) throws Exception {
    try (Stream<Path> s = Files.walk(replica)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".wal.lz4"))
          .max(
              Comparator.comparing(
                  p -> p.getParent().getParent().getFileName() + "/" + p.getFileName()))
          .orElseThrow();
    }
  }

  /**
   * Rewrites the last frame's page of {@code seg} (a byte in its middle), LZ4 again, same name;
   * with {@code fixChecksums}, the frame's checksum is recomputed from the previous frame's.
   */
  private static void corrupt(Path seg, boolean fixChecksums) throws Exception {
    byte[] wal;
    try (InputStream in = Lz4.decompressing(Files.newInputStream(seg))) {
      wal = in.readAllBytes();
    }
    long offset = Long.parseLong(seg.getFileName().toString().substring(9, 17), 16);
    List<Path> index = indexSegments(seg);
    byte[] whole =
        concat(index); // the whole index up to and with seg, to find the chain and page size
    WalHeader h = WalHeader.parse(whole, 0);
    int frameSize = h.frameSize();
    int last = whole.length - frameSize;
    whole[last + WalHeader.FRAME_HEADER_SIZE + h.pageSize() / 2] ^= 0x5a;
    if (fixChecksums) {
      WalChecksum c =
          last == WalHeader.SIZE
              ? h.checksum()
              : new WalChecksum(
                  ByteBuffer.wrap(whole, last - frameSize + 16, 4).getInt(),
                  ByteBuffer.wrap(whole, last - frameSize + 20, 4).getInt());
      c = c.update(h.bigEndianChecksums(), whole, last, 8);
      c = c.update(h.bigEndianChecksums(), whole, last + WalHeader.FRAME_HEADER_SIZE, h.pageSize());
      ByteBuffer.wrap(whole, last + 16, 8).putInt(c.s1()).putInt(c.s2());
    }
    System.arraycopy(whole, (int) offset, wal, 0, wal.length);
    seg.toFile().setWritable(true);
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (OutputStream z = Lz4.compressing(buf)) {
      z.write(wal);
    }
    Files.write(seg, buf.toByteArray());
  }

  private static List<Path> indexSegments(Path seg) throws Exception {
    String idx = seg.getFileName().toString().substring(0, 8);
    try (Stream<Path> s = Files.list(seg.getParent())) {
      return s.filter(p -> p.getFileName().toString().startsWith(idx + "_"))
          .filter(p -> p.getFileName().toString().compareTo(seg.getFileName().toString()) <= 0)
          .sorted()
          .toList();
    }
  }

  private static byte[] concat(List<Path> segs) throws Exception {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (Path p : segs) {
      try (InputStream in = Lz4.decompressing(Files.newInputStream(p))) {
        in.transferTo(all);
      }
    }
    return all.toByteArray();
  }
}
