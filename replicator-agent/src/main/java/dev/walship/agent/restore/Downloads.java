package dev.walship.agent.restore;

import dev.walship.format.layout.LayoutFile;
import dev.walship.format.store.ReplicaStore;
import dev.walship.format.store.WalSegmentInfo;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The WAL segments of a restore, handed out in the order they are applied. The segments of a remote
 * store are fetched in parallel into the work directory while the snapshot downloads and while
 * earlier segments are applied: at most {@code window} files and {@code aheadBytes} (compressed)
 * ahead of the one being applied, but always the next one, however large (bounded disk use, order
 * kept). Small segments cost round trips, large ones bytes: either way the transfer overlaps the
 * snapshot and the applying, instead of waiting for its turn. A local store is read in place. The
 * bytes are as stored (compressed): the applier decodes and verifies them.
 */
final class Downloads {
  private final ReplicaStore store;
  private final ExecutorService pool;
  private final Path dir;
  private final int window;
  private final long aheadBytes;
  private final Progress progress;
  private final Deque<WalSegmentInfo> queued;
  private final Map<LayoutFile, Started> started = new HashMap<>();
  private long startedBytes;

  private record Started(Future<Path> download, long size) {}

  Downloads(
      ReplicaStore store,
      ExecutorService pool,
      Path dir,
      int window,
      long aheadBytes,
      Progress progress,
      List<WalSegmentInfo> order) {
    this.store = store;
    this.pool = pool;
    this.dir = dir;
    this.window = store.remote() ? window : 0;
    this.aheadBytes = aheadBytes;
    this.progress = progress;
    this.queued = new ArrayDeque<>(order);
    fill();
  }

  /**
   * Opens {@code file}'s bytes, waiting for its download when it is fetched ahead. Closing the
   * stream removes the downloaded copy.
   *
   * @throws IOException the store's error, for the caller to name
   */
  InputStream take(LayoutFile file) throws IOException, InterruptedException {
    Started s = started.remove(file);
    if (s == null) { // read in place
      queued.removeIf(w -> w.name().equals(file));
      return new Counting(store.open(file), progress, null);
    }
    startedBytes -= s.size();
    fill();
    try {
      Path p = s.download().get();
      return new Counting(Files.newInputStream(p), null, p);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause());
    }
  }

  private void fill() {
    while (started.size() < window
        && !queued.isEmpty()
        && (started.isEmpty() || startedBytes + queued.peek().size() <= aheadBytes)) {
      WalSegmentInfo next = queued.poll();
      started.put(next.name(), new Started(pool.submit(() -> download(next.name())), next.size()));
      startedBytes += next.size();
    }
  }

  private Path download(LayoutFile file) throws IOException {
    Path target = dir.resolve(file.fileName());
    try (InputStream in = new Counting(store.open(file), progress, null)) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  /** Counts bytes into the progress line as they arrive; removes a downloaded copy when closed. */
  static final class Counting extends FilterInputStream {
    private final Progress progress;
    private final Path deleteOnClose;

    Counting(InputStream in, Progress progress, Path deleteOnClose) {
      super(in);
      this.progress = progress;
      this.deleteOnClose = deleteOnClose;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0 && progress != null) {
        progress.downloaded(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0 && progress != null) {
        progress.downloaded(n);
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } finally {
        if (progress != null) {
          progress.fileDone();
        }
        if (deleteOnClose != null) {
          Files.deleteIfExists(deleteOnClose);
        }
      }
    }
  }
}
