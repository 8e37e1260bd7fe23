package dev.walship.format.lz4;

import static dev.walship.format.lz4.Lz4FrameReaderTest.concat;
import static dev.walship.format.lz4.Lz4FrameReaderTest.data;
import static dev.walship.format.lz4.Lz4FrameReaderTest.header;
import static dev.walship.format.lz4.Lz4FrameReaderTest.le32;
import static dev.walship.format.lz4.Lz4FrameReaderTest.ours;
import static dev.walship.format.lz4.Lz4FrameReaderTest.theirs;
import static dev.walship.format.lz4.Lz4FrameReaderTest.viaStream;
import static dev.walship.format.lz4.Lz4FrameReaderTest.viaWriter;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.jpountz.lz4.LZ4FrameOutputStream.BLOCKSIZE;
import net.jpountz.lz4.LZ4FrameOutputStream.FLG;
import org.junit.jupiter.api.Test;

/**
 * The reader's buffers survive from stream to stream (after a large frame, an abandoned stream, a
 * second stream opened while the first is open), threads each get their own, and failures say what
 * is wrong and at which byte.
 */
class Lz4FrameReaderReuseTest {
  private static final int MiB = 1 << 20;

  @Test
  void keepsWorkingAfterA4MiBFrameAndAbandonedStreams() throws IOException {
    Random r = new Random(12);
    byte[] big = data(4 * MiB, r);
    assertArrayEquals(big, ours(viaWriter(big), 0).bytes());
    for (int i = 0; i < 300; i++) {
      byte[] d = data(r.nextInt(12_000), r);
      assertArrayEquals(d, ours(viaWriter(d), i % 2 == 0 ? 0 : r.nextLong()).bytes(), "small " + i);
      if (i % 50 == 0) {
        InputStream abandoned = Lz4.decompressing(new ByteArrayInputStream(viaWriter(big)));
        assertEquals(1000, abandoned.readNBytes(1000).length); // neither ended nor closed
      }
    }
    byte[] a = data(300_000, r);
    byte[] b = data(5_000, r);
    try (InputStream first = Lz4.decompressing(new ByteArrayInputStream(viaWriter(a)))) {
      byte[] head = first.readNBytes(1234);
      assertArrayEquals(
          b, ours(viaWriter(b), 0).bytes(), "a second stream while the first is open");
      assertArrayEquals(a, concat(head, first.readAllBytes()));
      assertEquals(-1, first.read());
    }
  }

  @Test
  void threadsDecodeAtTheSameTime() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long seed = t;
        done.add(
            pool.submit(
                () -> {
                  Random r = new Random(seed);
                  for (int i = 0; i < 200; i++) {
                    byte[] d = data(r.nextInt(i % 50 == 0 ? 300_000 : 9_000), r);
                    assertArrayEquals(d, ours(viaWriter(d), r.nextLong()).bytes());
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void failuresSayWhatAndWhere() throws IOException {
    byte[] f =
        viaStream(
            data(100_000, new Random(13)),
            BLOCKSIZE.SIZE_64KB,
            true,
            FLG.Bits.BLOCK_INDEPENDENCE,
            FLG.Bits.BLOCK_CHECKSUM,
            FLG.Bits.CONTENT_CHECKSUM,
            FLG.Bits.CONTENT_SIZE);
    assertEquals("empty: no LZ4 frame", message(new byte[0]));
    assertEquals(
        "at byte 0: not an LZ4 frame: magic 04034b50, expected 184d2204",
        message(new byte[] {0x50, 0x4b, 3, 4, 0, 0}));
    assertTrue(
        message(Arrays.copyOf(f, 100))
            .startsWith("cut short: the input ends at byte 100, in the block at byte 15"),
        message(Arrays.copyOf(f, 100)));
    byte[] blockDamage = f.clone();
    blockDamage[40] ^= 1;
    assertTrue(
        message(blockDamage).startsWith("at byte 15: block checksum "), message(blockDamage));
    byte[] contentDamage = f.clone();
    contentDamage[f.length - 1] ^= 1;
    assertTrue(message(contentDamage).contains(": content checksum "), message(contentDamage));
    byte[] descDamage = f.clone();
    descDamage[6] ^= 1;
    assertTrue(
        message(descDamage).startsWith("at byte 0: frame descriptor checksum"),
        message(descDamage));
    ByteArrayOutputStream over = header(0x60, 0x40, null);
    le32(over, (64 << 10) + 1);
    assertEquals(
        "at byte 7: block of 65537 bytes > the frame's maximum block size 65536",
        message(over.toByteArray()));
    IOException again =
        assertThrows(
            IOException.class,
            () -> {
              InputStream in = Lz4.decompressing(new ByteArrayInputStream(blockDamage));
              assertThrows(IOException.class, in::readAllBytes);
              in.read();
            });
    assertTrue(again.getMessage().contains("block checksum"), again.getMessage());
  }

  static String message(byte[] frame) {
    IOException e = ours(frame, 0).failure();
    assertNotNull(e, "decoded");
    assertNotNull(theirs(frame).failure(), "LZ4FrameInputStream decoded it");
    return e.getMessage();
  }
}
