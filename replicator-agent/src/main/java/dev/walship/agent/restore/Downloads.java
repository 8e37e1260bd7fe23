package dev.walship.agent.restore;

import dev.walship.format.layout.LayoutFile;
import dev.walship.format.store.ReplicaStore;
import dev.walship.format.store.WalSegmentInfo;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The WAL segments of a restore, handed out in the order they are applied. The segments of a remote
 * store are fetched in parallel into the work directory while the snapshot downloads and while
 * earlier segments are applied: at most {@code window} files and {@code aheadBytes} (compressed)
 * ahead of the one being applied, but always the next one, however large (bounded disk use, order
 * kept). Small segments cost round trips, large ones bytes: either way the transfer overlaps the
 * snapshot and the applying, instead of waiting for its turn. A segment is handed out as soon as it
 * is taken, still arriving: its reader waits for the bytes it asks for ({@link Fetch}), so the
 * applying of a large segment overlaps its own download instead of starting after its last byte. A
 * local store is read in place. The bytes are as stored (compressed): the applier decodes and
 * verifies them; a failed download fails the reader with {@link Failed}, whatever it has read.
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

  private record Started(Fetch fetch, Future<?> download, long size) {}

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
   * Opens {@code file}'s bytes, as they arrive when it is fetched ahead. Closing the stream stops
   * its download if it is still running and removes the downloaded copy.
   *
   * @throws IOException the store's error, for the caller to name
   */
  InputStream take(LayoutFile file) throws IOException {
    Started s = started.remove(file);
    if (s == null) { // read in place
      queued.removeIf(w -> w.name().equals(file));
      return new Counting(store.open(file), progress);
    }
    startedBytes -= s.size();
    fill();
    return new Arriving(s.fetch(), s.download());
  }

  private void fill() {
    while (started.size() < window
        && !queued.isEmpty()
        && (started.isEmpty() || startedBytes + queued.peek().size() <= aheadBytes)) {
      WalSegmentInfo next = queued.poll();
      Fetch f = new Fetch(dir.resolve(next.name().fileName()));
      started.put(
          next.name(), new Started(f, pool.submit(() -> download(next.name(), f)), next.size()));
      startedBytes += next.size();
    }
  }

  private void download(LayoutFile file, Fetch f) {
    IOException failure = null;
    try (InputStream in = new Counting(store.open(file), progress);
        FileChannel out =
            FileChannel.open(
                f.path,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
      byte[] buf = new byte[CHUNK];
      ByteBuffer b = ByteBuffer.wrap(buf);
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        b.clear().limit(n);
        while (b.hasRemaining()) {
          out.write(b);
        }
        f.wrote(n);
      }
    } catch (IOException e) {
      failure = e;
    } catch (RuntimeException e) {
      failure = new IOException(e);
    } finally {
      f.ended(failure);
    }
  }

  /** Bytes copied from the store to the work file at once (and then readable by the applier). */
  static final int CHUNK = 256 << 10;

  /** The download of a segment failed; the applier names the segment. */
  static final class Failed extends IOException {
    Failed(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /**
   * A download in progress: how many bytes of its work file are written, and how it ended.
   * Invariant: {@code written} only grows, and every byte below it is in the file.
   */
  private static final class Fetch {
    final Path path;
    private long written;
    private boolean ended;
    private IOException failure;

    Fetch(Path path) {
      this.path = path;
    }

    synchronized void wrote(long n) {
      written += n;
      notifyAll();
    }

    synchronized void ended(IOException e) {
      ended = true;
      failure = e;
      notifyAll();
    }

    /**
     * Waits for bytes at {@code position}: returns how many there are, -1 when the download ended
     * before it, or throws its failure.
     */
    synchronized long awaitBeyond(long position) throws IOException {
      while (written <= position && !ended) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted waiting for " + path.getFileName());
        }
      }
      if (written > position) {
        return written - position;
      }
      if (failure != null) {
        throw new Failed(failure);
      }
      return -1;
    }

    synchronized boolean ended() {
      return ended;
    }
  }

  /** Reads a {@link Fetch}'s work file as far as it is written, waiting for the rest. */
  private static final class Arriving extends InputStream {
    private final Fetch fetch;
    private final Future<?> download;
    private FileChannel in;
    private long position;

    Arriving(Fetch fetch, Future<?> download) {
      this.fetch = fetch;
      this.download = download;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      long available = fetch.awaitBeyond(position);
      if (available < 0) {
        return -1;
      }
      if (in == null) {
        in = FileChannel.open(fetch.path, StandardOpenOption.READ);
      }
      int n = in.read(ByteBuffer.wrap(b, off, (int) Math.min(len, available)), position);
      if (n <= 0) {
        throw new IOException(fetch.path + ": written bytes not readable at " + position);
      }
      position += n;
      return n;
    }

    @Override
    public void close() throws IOException {
      try {
        if (in != null) {
          in.close();
        }
      } finally {
        if (!fetch.ended()) {
          download.cancel(true);
        }
        Files.deleteIfExists(fetch.path);
      }
    }
  }

  /** Counts bytes into the progress line as they arrive, and the file as done when closed. */
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

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } finally {
        progress.fileDone();
      }
    }
  }
}
