package dev.walship.format.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Layout;
import dev.walship.format.layout.LayoutFile;
import dev.walship.format.layout.Position;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.layout.WalSegmentName;
import dev.walship.format.store.ContentWriter;
import dev.walship.format.store.Entry;
import dev.walship.format.store.FileReplicaStore;
import dev.walship.format.store.ReplicaStore;
import dev.walship.format.store.SnapshotInfo;
import dev.walship.format.store.WalSegmentInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerationFilesTest {
  static final Generation A = Generation.parse("aaaaaaaaaaaaaaaa");
  static final Generation B = Generation.parse("bbbbbbbbbbbbbbbb");
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path root;

  static Instant t(int seconds) {
    return T0.plusSeconds(seconds);
  }

  static SnapshotInfo snap(Generation g, int index, int at) {
    return new SnapshotInfo(new SnapshotName(g, index), 100, t(at));
  }

  static WalSegmentInfo seg(Generation g, int index, long offset, int at) {
    return new WalSegmentInfo(new WalSegmentName(g, index, offset), 10, t(at));
  }

  /** A file store that counts its listings. */
  static class CountingStore implements ReplicaStore {
    final List<String> listed = new ArrayList<>();
    private final FileReplicaStore files;

    CountingStore(Path root) {
      files = new FileReplicaStore(root);
    }

    @Override
    public String location() {
      return files.location();
    }

    @Override
    public List<Entry> list(String dir) throws IOException {
      listed.add(dir);
      return files.list(dir);
    }

    @Override
    public InputStream open(String path) throws IOException {
      return files.open(path);
    }

    @Override
    public Entry write(LayoutFile file, Instant modified, ContentWriter content)
        throws IOException {
      return files.write(file, modified, content);
    }

    @Override
    public void delete(String path) throws IOException {
      files.delete(path);
    }
  }

  private void file(String path, int at) throws IOException {
    Path p = root.resolve(path);
    Files.createDirectories(p.getParent());
    Files.write(p, new byte[7]);
    Files.setLastModifiedTime(p, FileTime.from(t(at)));
  }

  @Test
  void timeBoundsAreTheOldestAndNewestMtimeOfAnySnapshotOrSegment() {
    GenerationFiles g =
        new GenerationFiles(
            A,
            List.of(snap(A, 1, 20)),
            List.of(seg(A, 0, 0, 5), seg(A, 1, 0, 40)),
            List.of(
                new Temporary(
                    "generations/aaaaaaaaaaaaaaaa/wal/00000001_00001038.wal.lz4.tmp", t(50))));
    assertEquals(t(5), g.createdAt());
    assertEquals(t(40), g.updatedAt(), "temporary files are no part of Litestream's times");
    assertEquals(t(50), g.lastActivity(), "but they are activity");
    assertEquals(t(20), g.lastWrite(t(39)));
    assertNull(g.lastWrite(t(1)));
    assertEquals(t(20), g.lastSnapshotAt());
    assertEquals(1, g.maxIndex());
    GenerationFiles empty = new GenerationFiles(A, List.of(), List.of());
    assertNull(empty.createdAt());
    assertNull(empty.updatedAt());
    assertNull(empty.lastActivity());
    assertEquals(-1, empty.maxIndex());
    assertTrue(empty.newestSnapshot().isEmpty());
  }

  @Test
  void aSegmentALiveListingSkippedIsFoundAndNoneNewerThanTheFirstListingIsTaken()
      throws IOException {
    file("generations/aaaaaaaaaaaaaaaa/wal/00000000_00000000.wal.lz4", 1);
    file("generations/aaaaaaaaaaaaaaaa/wal/00000000_00001038.wal.lz4", 2);
    file("generations/aaaaaaaaaaaaaaaa/wal/00000000_00002070.wal.lz4", 3);
    String walDir = Layout.walDir(A);
    String skipped = "00000000_00001038.wal.lz4";
    int[] walListings = {0};
    ReplicaStore racing =
        new CountingStore(root) {
          @Override
          public List<Entry> list(String dir) throws IOException {
            List<Entry> all = super.list(dir);
            if (!dir.equals(walDir) || walListings[0]++ > 0) {
              return all;
            }
            // as readdir can while the agent publishes: a file renamed in during the listing is
            // skipped while a later one is returned; another arrives after the listing
            file("generations/aaaaaaaaaaaaaaaa/wal/00000000_000030a8.wal.lz4", 4);
            return all.stream().filter(e -> !e.name().equals(skipped)).toList();
          }
        };
    GenerationFiles g = GenerationFiles.list(racing, A);
    assertEquals(
        List.of(
            new WalSegmentName(A, 0, 0),
            new WalSegmentName(A, 0, 0x1038),
            new WalSegmentName(A, 0, 0x2070)),
        g.segments().stream().map(WalSegmentInfo::name).toList());
  }

  @Test
  void aGenerationIsListedOnceWithItsLeftoversAndWithoutWhatLitestreamSkips() throws IOException {
    file("generations/aaaaaaaaaaaaaaaa/snapshots/00000000.snapshot.lz4", 10);
    file("generations/aaaaaaaaaaaaaaaa/snapshots/00000001.snapshot.lz4.tmp", 12);
    file("generations/aaaaaaaaaaaaaaaa/wal/00000000_00000000.wal.lz4", 11);
    file("generations/aaaaaaaaaaaaaaaa/wal/00000000_00001038.wal.lz4", 13);
    file("generations/aaaaaaaaaaaaaaaa/wal/0000000A_00000000.wal.lz4", 14);
    file("generations/aaaaaaaaaaaaaaaa/wal/notes.txt", 15);
    file("generations/bbbbbbbbbbbbbbbb/snapshots/00000000.snapshot.lz4", 30);
    CountingStore store = new CountingStore(root);
    ReplicaCatalog c = ReplicaCatalog.load(store);
    assertEquals(
        List.of(
            Layout.GENERATIONS,
            Layout.snapshotsDir(A),
            Layout.walDir(A),
            Layout.walDir(A),
            Layout.snapshotsDir(B),
            Layout.walDir(B),
            Layout.walDir(B)),
        store.listed,
        "one listing per directory, two of wal/");
    GenerationFiles a = c.generation(A).orElseThrow();
    assertEquals(
        List.of(new SnapshotName(A, 0)), a.snapshots().stream().map(SnapshotInfo::name).toList());
    assertEquals(
        List.of(new WalSegmentName(A, 0, 0), new WalSegmentName(A, 0, 0x1038)),
        a.segments().stream().map(WalSegmentInfo::name).toList());
    assertEquals(
        List.of(
            new Temporary(
                "generations/aaaaaaaaaaaaaaaa/snapshots/00000001.snapshot.lz4.tmp", t(12))),
        a.temporaries());
    assertEquals(t(13), a.updatedAt());
    assertEquals(t(30), c.updatedAt());
    assertEquals(
        List.of(A),
        ReplicaCatalog.load(store, A).generations().stream()
            .map(GenerationFiles::generation)
            .toList());
    assertEquals(
        List.of(), ReplicaCatalog.load(store, Generation.parse("cccccccccccccccc")).generations());
  }

  @Test
  void aReplicaWithOnlyASnapshotEndsAtTheStartOfItsIndex() throws IOException {
    file("generations/aaaaaaaaaaaaaaaa/snapshots/00000003.snapshot.lz4", 10);
    FileReplicaStore store = new FileReplicaStore(root);
    assertEquals(
        new ReplicaEnd(new Position(A, 3, 0), t(10)),
        ReplicaEnd.of(store, GenerationFiles.list(store, A)));
    assertEquals(new ReplicaEnd(null, null), ReplicaEnd.of(store, GenerationFiles.list(store, B)));
  }
}
