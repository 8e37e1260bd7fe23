package dev.walship.agent.restore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.catalog.ReplicaCatalog;
import dev.walship.format.layout.LayoutFile;
import dev.walship.format.store.ContentWriter;
import dev.walship.format.store.Entry;
import dev.walship.format.store.FileReplicaStore;
import dev.walship.format.store.ReplicaStore;
import dev.walship.format.store.WalSegmentInfo;
import dev.walship.testing.Sqlite;
import dev.walship.toolkit.time.Ticker;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parallel downloads of a remote replica: segments, large ones too, are fetched while the
 * snapshot downloads, and are read while they arrive; a damaged segment among files in flight fails
 * the restore with its name and the newest restorable point, a download that fails midway with the
 * store's error, and either leaves nothing behind.
 */
class ParallelDownloadsTest {
  @TempDir Path tmp;

  /** A hand-written fake remote store over a directory: counts the downloads open at once. */
  private static class Remote implements ReplicaStore {
    final FileReplicaStore files;
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger mostOpen = new AtomicInteger();

    Remote(Path root) {
      this.files = new FileReplicaStore(root);
    }

    @Override
    public String location() {
      return files.location();
    }

    @Override
    public List<Entry> list(String dir) throws IOException {
      return files.list(dir);
    }

    @Override
    public InputStream open(String path) throws IOException {
      mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
      return new FilterInputStream(files.open(path)) {
        private boolean closed;

        @Override
        public void close() throws IOException {
          if (!closed) {
            closed = true;
            open.decrementAndGet();
          }
          super.close();
        }
      };
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

  private static void await(CountDownLatch latch, String otherwise) throws IOException {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IOException(otherwise);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static RestoreSettings quiet() {
    return new RestoreSettings(
        4,
        WalApplier.Mode.PAGES,
        new PrintStream(new ByteArrayOutputStream()),
        Duration.ofMinutes(1),
        Ticker.SYSTEM);
  }

  private static RestorePlan plan(ReplicaStore store) throws Exception {
    return RestorePlanner.plan(ReplicaCatalog.load(store), RestoreTarget.LATEST);
  }

  @Test
  void largeSegmentsDownloadWhileTheSnapshotDoes() throws Exception {
    Path r = tmp.resolve("large");
    SyntheticReplica synthetic = SyntheticReplica.write(r, tmp, 3, 5 << 20);
    CountDownLatch segmentOpened = new CountDownLatch(1);
    CountDownLatch snapshotOpened = new CountDownLatch(1);
    Remote store =
        new Remote(r) {
          @Override
          public InputStream open(String path) throws IOException {
            // a rendezvous: the snapshot's bytes wait until a segment is being fetched, and that
            // segment's until the snapshot is open (serial downloads fail here)
            if (path.contains("/wal/")) {
              InputStream in = super.open(path);
              segmentOpened.countDown();
              await(snapshotOpened, "the snapshot was not fetched while a segment downloaded");
              return in;
            }
            await(segmentOpened, "no segment was fetched while the snapshot downloaded");
            InputStream in = super.open(path);
            snapshotOpened.countDown();
            return in;
          }
        };
    RestorePlan plan = plan(store);
    assertTrue(
        plan.indices().get(0).segments().stream().allMatch(w -> w.size() > 5_000_000),
        "every segment is larger than 5 MB: " + plan.indices());
    Path out = tmp.resolve("large.db");
    new Restorer(store, quiet()).restore(plan, out);
    assertEquals(synthetic.dump, Sqlite.dump(out));
    assertTrue(store.mostOpen.get() >= 2, "downloads at once: " + store.mostOpen.get());
    assertEquals(0, store.open.get(), "every download was closed");
  }

  @Test
  void aDamagedSegmentAmongDownloadsInFlightFailsClearlyAndLeavesNothing() throws Exception {
    Path r = tmp.resolve("damaged");
    SyntheticReplica.write(r, tmp, 40);
    Remote store = new Remote(r);
    List<WalSegmentInfo> segs =
        plan(store).indices().stream().flatMap(i -> i.segments().stream()).toList();
    WalSegmentInfo victim = segs.get(20);
    try (RandomAccessFile f =
        new RandomAccessFile(r.resolve(victim.name().path()).toFile(), "rw")) {
      f.seek(f.length() - 6); // inside the last frame's page or its LZ4 block checksum
      int x = f.read();
      f.seek(f.length() - 6);
      f.write(x ^ 0x20);
    }
    Path out = tmp.resolve("never.db");
    RestoreException e =
        assertThrows(
            RestoreException.class, () -> new Restorer(store, quiet()).restore(plan(store), out));
    assertTrue(
        e.getMessage().startsWith("file://" + r + "/" + victim.name().path() + ": "),
        e.getMessage());
    assertTrue(
        e.getMessage().contains("newest restorable point: " + segs.get(19).name().path()),
        e.getMessage());
    assertTrue(store.mostOpen.get() >= 2, "downloads at once: " + store.mostOpen.get());
    assertEquals(0, store.open.get(), "every download was closed");
    assertFalse(Files.exists(out), "nothing at the output path");
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(
          List.of(),
          s.filter(p -> p.getFileName().toString().startsWith(".never.db")).toList(),
          "the work directory is gone");
    }
  }

  /** The first {@code head} bytes of every segment, then the rest only once {@code rest} opens. */
  private static class HeldSegments extends Remote {
    final int head;
    final CountDownLatch rest = new CountDownLatch(1);

    HeldSegments(Path root, int head) {
      super(root);
      this.head = head;
    }

    /** What a segment stream does instead of giving its bytes past {@code head}. */
    InputStream afterHead(InputStream in) throws IOException {
      await(rest, "the rest was never asked for");
      return in;
    }

    @Override
    public InputStream open(String path) throws IOException {
      InputStream in = super.open(path);
      if (!path.contains("/wal/")) {
        return in;
      }
      return new FilterInputStream(in) {
        private long given;
        private InputStream rest;

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (given >= head) {
            if (rest == null) {
              rest = afterHead(in);
            }
            return rest.read(b, off, len);
          }
          int n = in.read(b, off, (int) Math.min(len, head - given));
          given += Math.max(n, 0);
          return n;
        }
      };
    }
  }

  private static Progress silent(RestorePlan plan) {
    return new Progress(
        new PrintStream(OutputStream.nullOutputStream()),
        Duration.ofMinutes(1),
        Ticker.SYSTEM,
        plan.totalBytes(),
        plan.files());
  }

  @Test
  void aSegmentIsReadWhileItsDownloadIsStillArriving() throws Exception {
    Path r = tmp.resolve("arriving");
    SyntheticReplica.write(r, tmp, 2, 1 << 20);
    HeldSegments store = new HeldSegments(r, 64 << 10);
    RestorePlan plan = plan(store);
    List<WalSegmentInfo> order =
        plan.indices().stream().flatMap(i -> i.segments().stream()).toList();
    WalSegmentInfo seg = order.get(0);
    byte[] expected = Files.readAllBytes(r.resolve(seg.name().path()));
    assertTrue(expected.length > 2 * store.head, "segment size " + expected.length);
    Path work = Files.createDirectories(tmp.resolve("work"));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (Progress progress = silent(plan)) {
      Downloads downloads = new Downloads(store, pool, work, 2, Long.MAX_VALUE, progress, order);
      try (InputStream in = downloads.take(seg.name())) {
        byte[] head = in.readNBytes(store.head); // before the download has its last byte
        assertArrayEquals(Arrays.copyOf(expected, store.head), head);
        store.rest.countDown();
        byte[] tail = in.readAllBytes();
        assertArrayEquals(
            Arrays.copyOfRange(expected, store.head, expected.length), tail, "the rest");
      }
      assertFalse(Files.exists(work.resolve(seg.name().fileName())), "the copy is removed");
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
    }
  }

  @Test
  void aDownloadFailingMidwayFailsTheRestoreAsADownloadAndLeavesNothing() throws Exception {
    Path r = tmp.resolve("midway");
    SyntheticReplica.write(r, tmp, 3, 1 << 20);
    HeldSegments store =
        new HeldSegments(r, 64 << 10) {
          @Override
          InputStream afterHead(InputStream in) throws IOException {
            throw new IOException("connection reset");
          }
        };
    RestorePlan plan = plan(store);
    String first = plan.indices().get(0).segments().get(0).name().path();
    Path out = tmp.resolve("never.db");
    RestoreException e =
        assertThrows(RestoreException.class, () -> new Restorer(store, quiet()).restore(plan, out));
    assertEquals(
        "cannot download file://" + r + "/" + first + ": connection reset", e.getMessage());
    assertEquals(0, store.open.get(), "every download was closed");
    assertFalse(Files.exists(out), "nothing at the output path");
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(
          List.of(),
          s.filter(p -> p.getFileName().toString().startsWith(".never.db")).toList(),
          "the work directory is gone");
    }
  }
}
