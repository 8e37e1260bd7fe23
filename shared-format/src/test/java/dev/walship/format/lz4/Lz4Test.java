package dev.walship.format.lz4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.Proc;
import dev.walship.testing.TestTools;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Lz4Test {
  @TempDir Path tmp;

  /** Half compressible text, half random: 9 MiB so it spans three 4 MiB blocks. */
  static byte[] sample() {
    byte[] b = new byte[9 << 20];
    Random r = new Random(7);
    for (int i = 0; i < b.length; i++) {
      b[i] = i % 2 == 0 ? (byte) ('a' + (i / 7) % 26) : (byte) r.nextInt();
    }
    return b;
  }

  static byte[] compress(byte[] data) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (OutputStream out = Lz4.compressing(bos)) {
      out.write(data);
    }
    return bos.toByteArray();
  }

  static byte[] decompress(byte[] frame) throws IOException {
    try (InputStream in = Lz4.decompressing(new ByteArrayInputStream(frame))) {
      return in.readAllBytes();
    }
  }

  @Test
  void writesTheLayoutsFrameDescriptor() throws IOException {
    byte[] f = compress("hello".getBytes());
    assertArrayEquals(Lz4.MAGIC, Arrays.copyOf(f, 4));
    int flg = f[4] & 0xff;
    assertEquals(0x40, flg & 0xc0, "version 01");
    assertEquals(0x20, flg & 0x20, "independent blocks");
    assertEquals(0, flg & 0x10, "no block checksum (Litestream v0.3.13 rejects them)");
    assertEquals(0x04, flg & 0x04, "content checksum");
    assertEquals(0x70, f[5] & 0x70, "4 MiB maximum block size");
  }

  @Test
  void roundTrips() throws IOException {
    byte[] data = sample();
    assertArrayEquals(data, decompress(compress(data)));
    assertArrayEquals(new byte[0], decompress(compress(new byte[0])));
  }

  @Test
  void theLz4CliDecodesWhatWeWrite() throws IOException {
    byte[] data = sample();
    Path in = tmp.resolve("ours.lz4");
    Files.write(in, compress(data));
    Path out = tmp.resolve("ours.raw");
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

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-B4",
        "-B5",
        "-B6",
        "-B7",
        "--content-size",
        "--no-frame-crc",
        "-B4 --content-size --no-frame-crc"
      })
  void weDecodeWhatTheLz4CliWrites(String flags) throws IOException {
    byte[] data = sample();
    Path raw = tmp.resolve("cli.raw");
    Files.write(raw, data);
    Path lz = tmp.resolve("cli.lz4");
    String[] cmd = (TestTools.onPath("lz4") + " -q -f " + flags + " " + raw + " " + lz).split(" ");
    Proc.run(Duration.ofSeconds(60), cmd).orThrow();
    assertArrayEquals(data, decompress(Files.readAllBytes(lz)), flags);
  }

  @Test
  void linkedBlocksAreRefusedNotMisread() throws IOException {
    // lz4 -BD links blocks; lz4-java cannot decode that, and neither Litestream nor we write it.
    Path raw = tmp.resolve("linked.raw");
    Files.write(raw, sample());
    Path lz = tmp.resolve("linked.lz4");
    Proc.run(
            Duration.ofSeconds(60),
            TestTools.onPath("lz4").toString(),
            "-q",
            "-f",
            "-BD",
            raw.toString(),
            lz.toString())
        .orThrow();
    assertThrows(IOException.class, () -> decompress(Files.readAllBytes(lz)));
  }

  @Test
  void aDamagedFrameFailsTheRead() throws IOException {
    byte[] f = compress(sample());
    byte[] flipped = f.clone();
    flipped[f.length / 2] ^= 0x01;
    assertThrows(IOException.class, () -> decompress(flipped));
    byte[] cut = Arrays.copyOf(f, f.length - 9);
    assertThrows(IOException.class, () -> decompress(cut));
    byte[] badChecksum = f.clone();
    badChecksum[f.length - 1] ^= 0x01;
    IOException e = assertThrows(IOException.class, () -> decompress(badChecksum));
    assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
  }

  @Test
  void keepOpenLeavesTheUnderlyingStreamUsable() throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (OutputStream out = Lz4.compressingKeepOpen(bos)) {
      out.write(1);
    }
    bos.write(new byte[] {9});
    byte[] all = bos.toByteArray();
    assertEquals(9, all[all.length - 1]);
    assertArrayEquals(new byte[] {1}, decompress(Arrays.copyOf(all, all.length - 1)));
  }
}
