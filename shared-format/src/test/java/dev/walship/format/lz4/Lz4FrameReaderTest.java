package dev.walship.format.lz4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream.BLOCKSIZE;
import net.jpountz.lz4.LZ4FrameOutputStream.FLG;
import net.jpountz.xxhash.XXHashFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reusing reader against lz4-java's {@code LZ4FrameInputStream}: the same bytes where it
 * decodes, a failure (an IOException) where it fails, over generated frames, frames of the {@code
 * lz4} CLI, hand-built edge cases and damaged copies of them all.
 */
class Lz4FrameReaderTest {
  private static final int MiB = 1 << 20;
  @TempDir Path tmp;

  /** What a decoder made of a frame: its bytes, or its failure. */
  record Outcome(byte[] bytes, IOException failure) {}

  static Outcome theirs(byte[] frame) {
    try (InputStream in = new LZ4FrameInputStream(new ByteArrayInputStream(frame))) {
      return new Outcome(in.readAllBytes(), null);
    } catch (IOException e) {
      return new Outcome(null, e);
    }
  }

  /** Decodes with ours, reading {@code frame} in pieces of random sizes when {@code seed != 0}. */
  static Outcome ours(byte[] frame, long seed) {
    try (InputStream in = Lz4.decompressing(pieces(frame, seed))) {
      return new Outcome(in.readAllBytes(), null);
    } catch (IOException e) {
      assertNotNull(e.getMessage());
      return new Outcome(null, e);
    }
  }

  static InputStream pieces(byte[] data, long seed) {
    if (seed == 0) {
      return new ByteArrayInputStream(data);
    }
    Random r = new Random(seed);
    return new ByteArrayInputStream(data) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 1 + r.nextInt(r.nextBoolean() ? 7 : 70_000)));
      }
    };
  }

  /** Both decode to the same bytes, or both fail. Returns whether they decoded. */
  static boolean same(byte[] frame, long seed, String what) {
    Outcome t = theirs(frame);
    Outcome o = ours(frame, seed);
    if (t.failure() != null) {
      assertNull(o.bytes(), () -> what + ": LZ4FrameInputStream failed (" + t.failure() + ")");
      return false;
    }
    assertNull(o.failure(), () -> what + ": LZ4FrameInputStream decoded it");
    assertArrayEquals(t.bytes(), o.bytes(), what);
    return true;
  }

  static byte[] data(int n, Random r) {
    byte[] b = new byte[n];
    switch (r.nextInt(4)) {
      case 0 -> r.nextBytes(b); // incompressible
      case 1 -> {} // zeros
      case 2 -> { // WAL-like text with random runs
        for (int i = 0; i < n; i++) {
          b[i] = (byte) (i % 97 < 60 ? 'a' + (i / 11) % 26 : r.nextInt());
        }
      }
      default -> { // compressible and incompressible halves
        r.nextBytes(b);
        Arrays.fill(b, 0, n / 2, (byte) 7);
      }
    }
    return b;
  }

  static byte[] viaStream(byte[] data, BLOCKSIZE size, boolean knownSize, FLG.Bits... bits)
      throws IOException {
    long known = knownSize && data.length > 0 ? data.length : -1; // lz4-java wants > 0
    List<FLG.Bits> list = new ArrayList<>(List.of(bits));
    list.remove(FLG.Bits.CONTENT_SIZE);
    if (known > 0) {
      list.add(FLG.Bits.CONTENT_SIZE);
    }
    FLG.Bits[] flags = list.toArray(FLG.Bits[]::new);
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (OutputStream out = new LZ4FrameOutputStream(bos, size, known, flags)) {
      out.write(data);
    }
    return bos.toByteArray();
  }

  static byte[] viaWriter(byte[] data) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    new Lz4FrameWriter().write(data, 0, data.length, bos);
    return bos.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      bos.writeBytes(p);
    }
    return bos.toByteArray();
  }

  static byte[] skippable(int nibble, int n) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    le32(b, 0x184D2A50 | nibble);
    le32(b, n);
    b.writeBytes(new byte[n]);
    return b.toByteArray();
  }

  static void le32(ByteArrayOutputStream b, int v) {
    b.write(v);
    b.write(v >>> 8);
    b.write(v >>> 16);
    b.write(v >>> 24);
  }

  /** Magic, FLG, BD, the content size when given, and the header checksum. */
  static ByteArrayOutputStream header(int flg, int bd, Long contentSize) {
    ByteArrayOutputStream d = new ByteArrayOutputStream();
    d.write(flg);
    d.write(bd);
    if (contentSize != null) {
      le32(d, (int) (long) contentSize);
      le32(d, (int) (contentSize >>> 32));
    }
    byte[] desc = d.toByteArray();
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.writeBytes(Lz4.MAGIC);
    f.writeBytes(desc);
    f.write(XXHashFactory.fastestInstance().hash32().hash(desc, 0, desc.length, 0) >> 8);
    return f;
  }

  /** The small frames every byte of which gets damaged: each writer, block size and flag. */
  static List<byte[]> smallFrames() throws IOException {
    Random r = new Random(11);
    List<byte[]> frames = new ArrayList<>();
    byte[] wal = data(3000, new Random(3));
    byte[] text = "SQLite format 3\0".repeat(40).getBytes();
    frames.add(viaWriter(wal));
    frames.add(viaWriter(new byte[0]));
    frames.add(viaWriter(text));
    frames.add(viaStream(text, BLOCKSIZE.SIZE_64KB, true, FLG.Bits.BLOCK_INDEPENDENCE));
    frames.add(
        viaStream(
            data(400, r),
            BLOCKSIZE.SIZE_256KB,
            false,
            FLG.Bits.BLOCK_INDEPENDENCE,
            FLG.Bits.BLOCK_CHECKSUM,
            FLG.Bits.CONTENT_CHECKSUM));
    frames.add(
        viaStream(
            text,
            BLOCKSIZE.SIZE_1MB,
            true,
            FLG.Bits.BLOCK_INDEPENDENCE,
            FLG.Bits.CONTENT_SIZE,
            FLG.Bits.CONTENT_CHECKSUM));
    frames.add(concat(viaWriter(text), skippable(3, 5), viaWriter(new byte[] {1, 2, 3})));
    return frames;
  }

  @Test
  void decodesGeneratedFramesExactlyAsLz4FrameInputStream() throws IOException {
    Random r = new Random(1);
    int[] sizes = {
      0,
      1,
      15,
      4152,
      64 * 1024 - 1,
      64 * 1024,
      64 * 1024 + 1,
      256 * 1024,
      MiB + 1,
      4 * MiB - 1,
      4 * MiB,
      4 * MiB + 1,
      8 * MiB,
      9 * MiB + 12_345
    };
    BLOCKSIZE[] blocks = BLOCKSIZE.values();
    int n = 0;
    for (int size : sizes) {
      byte[] d = data(size, r);
      assertTrue(same(viaWriter(d), r.nextLong(), "writer, " + size + " bytes"));
      BLOCKSIZE b = blocks[n++ % blocks.length];
      byte[] f =
          viaStream(
              d,
              b,
              n % 2 == 0,
              FLG.Bits.BLOCK_INDEPENDENCE,
              FLG.Bits.BLOCK_CHECKSUM,
              FLG.Bits.CONTENT_SIZE);
      assertTrue(same(f, r.nextLong(), "stream " + b + ", block checksums, " + size + " bytes"));
    }
    for (int i = 0; i < 150; i++) {
      byte[] d = data(r.nextInt(i < 140 ? 20_000 : 600_000), r);
      List<FLG.Bits> bits = new ArrayList<>(List.of(FLG.Bits.BLOCK_INDEPENDENCE));
      for (FLG.Bits optional :
          List.of(FLG.Bits.BLOCK_CHECKSUM, FLG.Bits.CONTENT_CHECKSUM, FLG.Bits.CONTENT_SIZE)) {
        if (r.nextBoolean()) {
          bits.add(optional);
        }
      }
      byte[] f =
          viaStream(
              d,
              blocks[r.nextInt(blocks.length)],
              bits.contains(FLG.Bits.CONTENT_SIZE),
              bits.toArray(FLG.Bits[]::new));
      byte[] frames = r.nextBoolean() ? f : concat(f, skippable(r.nextInt(16), 9), viaWriter(d), f);
      assertTrue(same(frames, i % 3 == 0 ? 0 : r.nextLong(), "random frame " + i + " " + bits));
    }
  }

  @Test
  void failsWhereLz4FrameInputStreamFailsWithAnyByteDamaged() throws IOException {
    Random r = new Random(2);
    int failed = 0;
    for (byte[] f : smallFrames()) {
      for (int i = 0; i < f.length; i++) {
        for (int flip : new int[] {0xff, 1 << r.nextInt(8)}) {
          byte[] d = f.clone();
          d[i] ^= (byte) flip;
          failed += same(d, 0, "byte " + i + " of " + f.length + " ^ " + flip) ? 0 : 1;
        }
      }
    }
    assertTrue(failed > 1000, failed + " damaged frames failed");
  }

  @Test
  void failsWhereLz4FrameInputStreamFailsCutAtEveryLength() throws IOException {
    for (byte[] f : smallFrames()) {
      for (int n = 0; n <= f.length; n++) {
        same(Arrays.copyOf(f, n), n, "cut to " + n + " of " + f.length);
      }
    }
    byte[] multi =
        viaStream(
            data(300_000, new Random(4)),
            BLOCKSIZE.SIZE_64KB,
            false,
            FLG.Bits.BLOCK_INDEPENDENCE,
            FLG.Bits.BLOCK_CHECKSUM);
    Random r = new Random(5);
    for (int i = 0; i < 200; i++) {
      int n = r.nextInt(multi.length);
      same(Arrays.copyOf(multi, n), 0, "cut to " + n);
    }
  }

  @Test
  void failsWhereLz4FrameInputStreamFailsOnGarbage() throws IOException {
    Random r = new Random(6);
    List<byte[]> valid = smallFrames();
    for (int i = 0; i < 3000; i++) {
      byte[] g;
      switch (i % 4) {
        case 0 -> {
          g = new byte[r.nextInt(64)];
          r.nextBytes(g);
        }
        case 1 -> { // a valid descriptor then garbage
          byte[] tail = new byte[r.nextInt(200)];
          r.nextBytes(tail);
          g = concat(header(0x40 | r.nextInt(64), r.nextInt(8) << 4, null).toByteArray(), tail);
        }
        default -> { // a valid frame with a few bytes set at random, inserted or dropped
          g = valid.get(r.nextInt(valid.size())).clone();
          for (int k = 1 + r.nextInt(4); k > 0 && g.length > 0; k--) {
            int at = r.nextInt(g.length);
            switch (r.nextInt(3)) {
              case 0 -> g[at] = (byte) r.nextInt();
              case 1 ->
                  g =
                      concat(
                          Arrays.copyOf(g, at),
                          new byte[] {(byte) r.nextInt()},
                          Arrays.copyOfRange(g, at, g.length));
              default -> g = concat(Arrays.copyOf(g, at), Arrays.copyOfRange(g, at + 1, g.length));
            }
          }
        }
      }
      same(g, i % 2 == 0 ? 0 : r.nextLong(), "garbage " + i);
    }
  }

  @Test
  void handBuiltEdgeCasesAsLz4FrameInputStream() throws IOException {
    byte[] abcd = "abcd".getBytes();
    List<byte[]> cases = new ArrayList<>();
    cases.add(new byte[0]);
    cases.add(skippable(0, 3));
    cases.add(concat(skippable(15, 0), viaWriter(abcd), skippable(7, 70_000)));
    cases.add(concat(viaWriter(abcd), skippable(1, 10)).clone());
    for (int end : new int[] {0, 0x80000000}) {
      ByteArrayOutputStream f = header(0x60, 0x40, null);
      le32(f, end);
      cases.add(f.toByteArray()); // no blocks
    }
    for (int flg : new int[] {0x61, 0x62, 0x40, 0x20, 0xa0, 0xe0, 0x00}) {
      ByteArrayOutputStream f = header(flg, 0x70, null);
      le32(f, 0);
      cases.add(f.toByteArray());
    }
    for (int bd = 0; bd < 256; bd++) {
      ByteArrayOutputStream f = header(0x60, bd, null);
      le32(f, 4 | 0x80000000);
      f.writeBytes(abcd);
      le32(f, 0);
      cases.add(f.toByteArray());
    }
    for (long size : new long[] {3, 4, 5, -1, Long.MAX_VALUE}) {
      ByteArrayOutputStream f = header(0x68, 0x40, size);
      le32(f, 4 | 0x80000000);
      f.writeBytes(abcd);
      le32(f, 0);
      cases.add(f.toByteArray());
    }
    for (int n : new int[] {64 << 10, (64 << 10) + 1}) { // stored blocks at and over the maximum
      ByteArrayOutputStream f = header(0x60, 0x40, null);
      le32(f, n | 0x80000000);
      f.writeBytes(new byte[n]);
      le32(f, 0);
      cases.add(f.toByteArray());
    }
    for (int n : new int[] {0, 1, 64 << 10, (64 << 10) + 1, 4 * MiB}) { // decoding to n bytes
      byte[] block = LZ4Factory.fastestInstance().fastCompressor().compress(new byte[n]);
      ByteArrayOutputStream f = header(0x60, 0x40, null);
      le32(f, block.length);
      f.writeBytes(block);
      le32(f, 0);
      cases.add(f.toByteArray());
    }
    ByteArrayOutputStream tiny = header(0x60, 0x40, null);
    le32(tiny, 1);
    tiny.write(0); // a block of one token: no literals, no match
    le32(tiny, 0);
    cases.add(tiny.toByteArray());
    ByteArrayOutputStream huge = header(0x60, 0x70, null);
    le32(huge, 0x7fffffff);
    cases.add(huge.toByteArray());
    int i = 0;
    byte[] kept = new byte[MiB]; // decodes into an output buffer the reader keeps, 1 MiB
    Arrays.fill(kept, 0, MiB / 2, (byte) 'x');
    byte[] large = viaWriter(kept);
    for (byte[] c : cases) {
      assertArrayEquals(kept, ours(large, 0).bytes()); // leaves large buffers full of bytes
      same(c, 0, "case " + i);
      same(c, i + 1L, "case " + i + " in pieces");
      i++;
    }
  }

  @Test
  void decodesWhatTheLz4CliWritesAsLz4FrameInputStream() throws IOException {
    byte[] d = concat(data(700_000, new Random(9)), data(700_000, new Random(10)));
    Path raw = tmp.resolve("cli.raw");
    Files.write(raw, d);
    String[] flags = {
      "-B4",
      "-B5",
      "-B6",
      "-B7 -9",
      "-B4 -BX",
      "--content-size",
      "--no-frame-crc",
      "-B4 -BX --content-size --no-frame-crc --fast=3",
      "-l",
      "-B4 -BD"
    };
    List<byte[]> outputs = new ArrayList<>();
    for (String f : flags) {
      Path lz = tmp.resolve("cli.lz4");
      String cmd = TestTools.onPath("lz4") + " -q -f " + f + " " + raw + " " + lz;
      Proc.run(Duration.ofSeconds(60), cmd.split(" ")).orThrow();
      byte[] frame = Files.readAllBytes(lz);
      outputs.add(frame);
      boolean decoded = same(frame, 0, "lz4 " + f);
      assertEquals(!f.equals("-l") && !f.equals("-B4 -BD"), decoded, "lz4 " + f);
      same(frame, 77, "lz4 " + f + " in pieces");
    }
    assertTrue(same(concat(outputs.get(0), outputs.get(4), outputs.get(7)), 5, "concatenated"));
  }
}
