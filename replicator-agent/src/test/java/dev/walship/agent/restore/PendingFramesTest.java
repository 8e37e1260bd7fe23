package dev.walship.agent.restore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PendingFramesTest {
  @TempDir Path tmp;

  static byte[] frame(int n) {
    byte[] f = new byte[24 + 512];
    java.util.Arrays.fill(f, (byte) n);
    return f;
  }

  @Test
  void spillsBeyondTheMemoryLimitAndDrainsInOrder() throws Exception {
    Path spill = tmp.resolve("x.pending");
    try (PendingFrames p = new PendingFrames(spill, 3 * 536)) {
      for (int i = 0; i < 10; i++) {
        p.add(frame(i));
      }
      assertTrue(Files.exists(spill), "frames beyond three went to disk");
      List<byte[]> out = new ArrayList<>();
      p.drain(out::add);
      assertEquals(10, out.size());
      for (int i = 0; i < 10; i++) {
        assertArrayEquals(frame(i), out.get(i));
      }
      assertFalse(Files.exists(spill));
      p.add(frame(42));
      List<byte[]> again = new ArrayList<>();
      p.drain(again::add);
      assertEquals(1, again.size(), "drained frames are forgotten");
    }
  }

  @Test
  void closeRemovesTheSpillFile() throws Exception {
    Path spill = tmp.resolve("y.pending");
    PendingFrames p = new PendingFrames(spill, 0);
    p.add(frame(1));
    assertTrue(Files.exists(spill));
    p.close();
    assertFalse(Files.exists(spill));
  }
}
