package dev.walship.format.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.PathClass.DirectoryKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathClassifierTest {
  static final String GEN = "generations/0123456789abcdef";
  static final Generation G = Generation.parse("0123456789abcdef");

  @Test
  void layoutDirectories() {
    assertEquals(
        new PathClass.Directory("generations", DirectoryKind.GENERATIONS, null),
        PathClassifier.classify("generations"));
    assertEquals(
        new PathClass.Directory(GEN, DirectoryKind.GENERATION, G), PathClassifier.classify(GEN));
    assertEquals(
        new PathClass.Directory(GEN + "/snapshots", DirectoryKind.SNAPSHOTS, G),
        PathClassifier.classify(GEN + "/snapshots"));
    assertEquals(
        new PathClass.Directory(GEN + "/wal", DirectoryKind.WAL, G),
        PathClassifier.classify(GEN + "/wal"));
  }

  @Test
  void files() {
    PathClass s = PathClassifier.classify(GEN + "/snapshots/00000002.snapshot.lz4");
    assertEquals(new SnapshotName(G, 2), assertInstanceOf(PathClass.Snapshot.class, s).name());
    PathClass w = PathClassifier.classify(GEN + "/wal/00000002_00001038.wal.lz4", 4096);
    assertEquals(
        new WalSegmentName(G, 2, 0x1038), assertInstanceOf(PathClass.WalSegment.class, w).name());
    // every name round-trips through the classifier
    assertEquals(s, PathClassifier.classify(new SnapshotName(G, 2).path()));
    assertEquals(w, PathClassifier.classify(new WalSegmentName(G, 2, 0x1038).path()));
  }

  @Test
  void temporaryFilesOfTheLayout() {
    PathClass t = PathClassifier.classify(GEN + "/wal/00000000_00000000.wal.lz4.tmp");
    assertEquals(
        new WalSegmentName(G, 0, 0), assertInstanceOf(PathClass.Temporary.class, t).target());
    PathClass ts = PathClassifier.classify(GEN + "/snapshots/00000000.snapshot.lz4.tmp");
    assertEquals(new SnapshotName(G, 0), assertInstanceOf(PathClass.Temporary.class, ts).target());
    assertInstanceOf(PathClass.Invalid.class, PathClassifier.classify(GEN + "/wal/junk.tmp"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "generations/0123456789ABCDEF | uppercase hex digit 'A'",
        "generations/0123456789abcde | wrong width: expected 16 hex digits, got 15",
        "generations/0123456789abcdef/wal/0000000A_00000000.wal.lz4 | uppercase hex digit 'A'",
        "generations/0123456789abcdef/wal/000000001_00000000.wal.lz4 | wrong width",
        "generations/0123456789abcdef/snapshots/00000001.snapshot.zip | unknown extension",
        "generations/0123456789abcdef/wal/00000001.snapshot.lz4 | unknown extension",
        "generations/0123456789abcdef/../x | '..' component",
        "generations/../generations/0123456789abcdef | '..' component",
        "/generations/0123456789abcdef | absolute path",
        "generations/0123456789abcdef/wal/00000001_00000000.wal.lz4/x | extra components",
        "generations/0123456789abcdef/other | unknown directory 'other'",
        "generations/0123456789abcdef/wal/7fffffff_00000000.wal.lz4 | index 0x7fffffff >= 0x7fffffff",
        "generations//0123456789abcdef | empty component",
        "generations/0123456789abcdef/ | empty component",
        "generations/./0123456789abcdef | '.' component",
        "db/generations | outside the layout",
        "junk.txt | outside the layout",
        "'' | empty path",
      })
  void invalidWithReason(String path, String reason) {
    PathClass pc = PathClassifier.classify(path);
    PathClass.Invalid inv = assertInstanceOf(PathClass.Invalid.class, pc, path);
    assertTrue(inv.reason().contains(reason), inv.reason());
    assertEquals(path, inv.path());
  }

  @Test
  void offsetMustBeFrameAlignedWhenThePageSizeIsKnown() {
    String p = GEN + "/wal/00000001_00001000.wal.lz4";
    assertTrue(PathClassifier.classify(p).isValid(), "page size unknown: alignment not checked");
    PathClass.Invalid inv =
        assertInstanceOf(PathClass.Invalid.class, PathClassifier.classify(p, 4096));
    assertTrue(inv.reason().contains("not frame-aligned for page size 4096"), inv.reason());
    assertTrue(PathClassifier.classify(GEN + "/wal/00000001_00000020.wal.lz4", 4096).isValid());
    assertTrue(PathClassifier.classify(GEN + "/wal/00000001_00000000.wal.lz4", 4096).isValid());
  }
}
