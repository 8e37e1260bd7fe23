package dev.walship.agent.restore;

import dev.walship.format.layout.LayoutFile;
import dev.walship.format.store.ReplicaStore;
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
 * Downloads files of the layout, in parallel, into a work directory, at most {@code window} ahead
 * of the file being applied: disk use stays bounded and the order of application is kept. Files
 * are copied as stored (compressed); the applier decodes and verifies them.
 */
final class Downloads {
  private final ReplicaStore store;
  private final ExecutorService pool;
  private final Path dir;
  private final int window;
  private final Progress progress;
  private final Deque<LayoutFile> queued;
  private final Map<LayoutFile, Future<Path>> started = new HashMap<>();

  Downloads(ReplicaStore store, ExecutorService pool, Path dir, int window, Progress progress, List<? extends LayoutFile> order) {
    this.store = store;
    this.pool = pool;
    this.dir = dir;
    this.window = window;
    this.progress = progress;
    this.queued = new ArrayDeque<>(order);
    fill();
  }

  /**
   * Waits for {@code file}'s download and returns where it landed; the caller deletes it.
   *
   * @throws IOException the store's error, for the caller to name
   */
  Path take(LayoutFile file) throws IOException, InterruptedException {
    fill();
    Future<Path> f = started.remove(file);
    if (f == null) {
      throw new IllegalStateException(file.path() + " was not queued for download");
    }
    try {
      Path p = f.get();
      fill();
      return p;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause());
    }
  }

  private void fill() {
    while (started.size() < window && !queued.isEmpty()) {
      LayoutFile next = queued.poll();
      started.put(next, pool.submit(() -> download(next)));
    }
  }

  private Path download(LayoutFile file) throws IOException {
    Path target = dir.resolve(file.fileName());
    try (InputStream in = new Counting(store.open(file), progress)) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
    progress.fileDone();
    return target;
  }

  /** Reports bytes to the progress line as they arrive. */
  static final class Counting extends FilterInputStream {
    private final Progress progress;

    Counting(InputStream in, Progress progress) {
      super(in);
      this.progress = progress;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        progress.downloaded(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        progress.downloaded(n);
      }
      return n;
    }
  }
}
