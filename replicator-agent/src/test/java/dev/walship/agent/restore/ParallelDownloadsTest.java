package dev.walship.agent.restore;

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
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parallel downloads of a remote replica: segments, large ones too, are fetched while the
 * snapshot downloads; a damaged segment among files in flight fails the restore with its name and
 * the newest restorable point, and leaves nothing behind.
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
    Remote store =
        new Remote(r) {
          @Override
          public InputStream open(String path) throws IOException {
            if (path.contains("/wal/")) {
              segmentOpened.countDown();
              return super.open(path);
            }
            try { // the snapshot's bytes wait until a segment is being fetched: serial downloads
              // fail here
              if (!segmentOpened.await(30, TimeUnit.SECONDS)) {
                throw new IOException("no segment was fetched while the snapshot downloaded");
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IOException(e);
            }
            return super.open(path);
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
}
