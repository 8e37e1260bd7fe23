package dev.walship.format.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Layout;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.layout.WalSegmentName;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileReplicaStoreTest {
  static final Generation G = Generation.parse("0011223344556677");
  static final Generation H = Generation.parse("8899aabbccddeeff");
  static final Instant T = Instant.parse("2026-01-02T03:04:05.678Z");
  @TempDir Path root;

  @Test
  void writesAtomicallyWithMtimeAndNoTempLeft() throws IOException {
    FileReplicaStore store = new FileReplicaStore(root);
    WalSegmentName seg = new WalSegmentName(G, 0, 0);
    Path target = root.resolve(seg.path());
    Entry e =
        store.write(
            seg,
            T,
            out -> {
              assertFalse(
                  Files.exists(target), "the final name appears only when the file is complete");
              assertTrue(Files.exists(root.resolve(Layout.tempPath(seg))));
              out.write(new byte[] {1, 2, 3});
            });
    assertEquals(new Entry("00000000_00000000.wal.lz4", false, 3, T), e);
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
    assertEquals(T, Files.getLastModifiedTime(target).toInstant());
    try (Stream<Path> s = Files.walk(root)) {
      assertEquals(0, s.filter(p -> p.toString().endsWith(".tmp")).count());
    }
  }

  @Test
  void aFailedWriteKeepsTheOldFileAndLeavesNoTemp() throws IOException {
    FileReplicaStore store = new FileReplicaStore(root);
    SnapshotName snap = new SnapshotName(G, 0);
    store.write(snap, T, out -> out.write(7));
    IOException boom =
        assertThrows(
            IOException.class,
            () ->
                store.write(
                    snap,
                    T,
                    out -> {
                      out.write(new byte[1000]);
                      throw new IOException("source vanished");
                    }));
    assertEquals("source vanished", boom.getMessage());
    assertArrayEquals(new byte[] {7}, Files.readAllBytes(root.resolve(snap.path())));
    assertFalse(Files.exists(root.resolve(Layout.tempPath(snap))));
  }

  @Test
  void listsTheLayoutAsLitestreamDoes() throws IOException {
    FileReplicaStore store = new FileReplicaStore(root);
    assertEquals(List.of(), store.generations(), "no generations directory yet");
    store.write(new SnapshotName(H, 3), T, out -> out.write(1));
    store.write(new SnapshotName(G, 1), T, out -> out.write(new byte[2]));
    store.write(new SnapshotName(G, 0), T.plusSeconds(1), out -> out.write(new byte[5]));
    store.write(new WalSegmentName(G, 1, 0x20), T, out -> out.write(1));
    store.write(new WalSegmentName(G, 1, 0), T, out -> out.write(1));
    store.write(new WalSegmentName(G, 0, 0), T, out -> out.write(1));
    // names Litestream cannot parse are skipped, as Litestream skips them
    Files.writeString(root.resolve(Layout.walDir(G)).resolve("00000002_0000000A.wal.lz4"), "x");
    Files.writeString(root.resolve(Layout.snapshotsDir(G)).resolve("junk"), "x");
    Files.writeString(
        root.resolve(Layout.GENERATIONS).resolve("ffffffffffffffff"), "a file, not a dir");
    Files.createDirectories(root.resolve(Layout.GENERATIONS).resolve("NOTAGENERATION"));

    assertEquals(List.of(G, H), store.generations());
    List<SnapshotInfo> snaps = store.snapshots(G);
    assertEquals(
        List.of(new SnapshotName(G, 0), new SnapshotName(G, 1)),
        snaps.stream().map(SnapshotInfo::name).toList());
    assertEquals(5, snaps.get(0).size());
    assertEquals(T.plusSeconds(1), snaps.get(0).created());
    assertEquals(
        List.of(
            new WalSegmentName(G, 0, 0),
            new WalSegmentName(G, 1, 0),
            new WalSegmentName(G, 1, 0x20)),
        store.walSegments(G).stream().map(WalSegmentInfo::name).toList());
    assertEquals(List.of(), store.walSegments(H));
  }

  @Test
  void opensDeletesAndDeletesGenerations() throws IOException {
    FileReplicaStore store = new FileReplicaStore(root);
    SnapshotName s = new SnapshotName(G, 0);
    store.write(s, T, out -> out.write(new byte[] {4, 2}));
    try (InputStream in = store.open(s)) {
      assertArrayEquals(new byte[] {4, 2}, in.readAllBytes());
    }
    assertThrows(NoSuchFileException.class, () -> store.open(new SnapshotName(G, 9)));
    store.delete(new SnapshotName(G, 9).path()); // absent: fine
    store.write(new WalSegmentName(G, 0, 0), T, out -> out.write(1));
    store.deleteGeneration(G);
    assertFalse(Files.exists(root.resolve(Layout.generationDir(G))));
    assertEquals(List.of(), store.generations());
  }

  @Test
  void refusesPathsThatLeaveTheRoot() {
    FileReplicaStore store = new FileReplicaStore(root);
    assertThrows(IllegalArgumentException.class, () -> store.open("../etc/passwd"));
    assertThrows(IllegalArgumentException.class, () -> store.list("/etc"));
  }

  @Test
  void locationIsAFileUrl() {
    assertEquals("file://" + root.toAbsolutePath(), new FileReplicaStore(root).location());
  }
}
