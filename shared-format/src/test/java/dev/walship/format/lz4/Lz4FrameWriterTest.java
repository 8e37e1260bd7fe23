package dev.walship.format.lz4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.layout.WalSegmentName;
import dev.walship.format.store.FileReplicaStore;
import dev.walship.testing.Litestream;
import dev.walship.testing.Proc;
import dev.walship.testing.Sqlite;
import dev.walship.testing.TestTools;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reusable frame writer writes exactly what lz4-java's frame stream writes, frame after frame.
 */
class Lz4FrameWriterTest {
  @TempDir Path tmp;

  static byte[] viaStream(byte[] data) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (OutputStream out = Lz4.compressing(bos)) {
      out.write(data);
    }
    return bos.toByteArray();
  }

  static byte[] viaWriter(Lz4FrameWriter w, byte[] data) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    assertEquals(data.length, w.write(new ByteArrayInputStream(data), bos));
    return bos.toByteArray();
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void byteForByteWhatTheFrameStreamWritesForEverySizeWithOneWriter() throws IOException {
    Lz4FrameWriter w = new Lz4FrameWriter();
    byte[][] inputs = {
      new byte[0],
      {42},
      new byte[4152],
      random(100_000, 1),
      Lz4Test.sample(),
      random(300, 2),
      new byte[Lz4FrameWriter.BLOCK_SIZE],
      Arrays.copyOf(Lz4Test.sample(), Lz4FrameWriter.BLOCK_SIZE + 1),
      "SQLite format 3".repeat(5000).getBytes(),
    };
    for (byte[] in : inputs) {
      assertArrayEquals(viaStream(in), viaWriter(w, in), "input of " + in.length + " bytes");
    }
  }

  @Test
  void readsAStreamThatArrivesInSmallPieces() throws IOException {
    byte[] data = Lz4Test.sample();
    InputStream trickle =
        new ByteArrayInputStream(data) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 777));
          }
        };
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    new Lz4FrameWriter().write(trickle, bos);
    assertArrayEquals(viaStream(data), bos.toByteArray());
  }

  @Test
  void theLz4CliDecodesIt() throws IOException {
    byte[] data = Lz4Test.sample();
    Path in = tmp.resolve("w.lz4");
    Files.write(in, viaWriter(new Lz4FrameWriter(), data));
    Path out = tmp.resolve("w.raw");
    Proc.run(
            Duration.ofSeconds(60),
            TestTools.onPath("lz4").toString(),
            "-d",
            "-q",
            "-f",
            in.toString(),
            out.toString())
        .orThrow();
    assertArrayEquals(data, Files.readAllBytes(out));
  }

  @Test
  void litestreamRestoresASnapshotAndSegmentItWrote() throws Exception {
    Path db = tmp.resolve("src.db");
    byte[] wal = Sqlite.writeWal(db, 50, 700);
    byte[] file = Files.readAllBytes(db);
    Generation g = Generation.parse("0123456789abcdef");
    FileReplicaStore store = new FileReplicaStore(tmp.resolve("replica"));
    Lz4FrameWriter w = new Lz4FrameWriter();
    Instant t = Instant.parse("2026-11-27T12:00:00Z");
    store.write(new SnapshotName(g, 0), t, out -> w.write(new ByteArrayInputStream(file), out));
    int split = 32 + 10 * (24 + 4096);
    store.write(new WalSegmentName(g, 0, 0), t.plusMillis(1), out -> w.write(wal, 0, split, out));
    store.write(
        new WalSegmentName(g, 0, split),
        t.plusMillis(2),
        out -> w.write(wal, split, wal.length - split, out));
    Path restored = tmp.resolve("restored.db");
    Litestream.run("restore", "-o", restored.toString(), "file://" + store.root()).orThrow();
    assertEquals(Sqlite.dump(db), Sqlite.dump(restored));
  }
}
