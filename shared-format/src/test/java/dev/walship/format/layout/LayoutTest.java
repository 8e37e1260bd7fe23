package dev.walship.format.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LayoutTest {
  static final Generation G = Generation.parse("0123456789abcdef");

  @Test
  void directories() {
    assertEquals("generations/0123456789abcdef", Layout.generationDir(G));
    assertEquals("generations/0123456789abcdef/snapshots", Layout.snapshotsDir(G));
    assertEquals("generations/0123456789abcdef/wal", Layout.walDir(G));
    assertEquals("generations/x", Layout.child("generations", "x"));
  }

  @Test
  void tempPathIsTheFinalNamePlusTmp() {
    assertEquals(
        "generations/0123456789abcdef/wal/00000000_00000000.wal.lz4.tmp",
        Layout.tempPath(new WalSegmentName(G, 0, 0)));
  }

  @Test
  void resolvesUnderARoot() {
    assertEquals("a/b", Layout.resolve("", "a/b"));
    assertEquals("a/b", Layout.resolve(".", "a/b"));
    assertEquals("/db/a/b", Layout.resolve("/db", "a/b"));
    assertEquals("/db/a/b", Layout.resolve("/db/", "a/b"));
  }

  @Test
  void frameAlignment() {
    assertTrue(Layout.isFrameAligned(0, 4096));
    assertTrue(Layout.isFrameAligned(32, 4096));
    assertTrue(Layout.isFrameAligned(32 + 4120, 4096));
    assertTrue(Layout.isFrameAligned(32 + 3L * 1048, 1024));
    assertFalse(Layout.isFrameAligned(16, 4096));
    assertFalse(Layout.isFrameAligned(32 + 4096, 4096));
  }
}
