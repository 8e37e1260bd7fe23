package dev.walship.agent.restore;

import dev.walship.format.layout.LayoutFile;
import dev.walship.format.layout.Position;
import dev.walship.format.store.ReplicaStore;
import dev.walship.format.store.WalSegmentInfo;
import dev.walship.format.validate.ContentCheck;
import dev.walship.format.validate.SegmentContext;
import dev.walship.format.validate.SegmentSummary;
import dev.walship.format.validate.ValidationException;
import dev.walship.format.wal.SqliteFiles;
import dev.walship.toolkit.files.DurableFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Carries out a {@link RestorePlan}: downloads in parallel, verifies, applies, checks, and only
 * then moves the result to the output path.
 *
 * <p>Everything happens in a work directory next to the output ({@code .<name>.restore-tmp}), on
 * the same file system, which is deleted on success and on failure alike; a restore that is killed
 * leaves that directory (removed by the next restore) and nothing at the output path. The snapshot
 * streams from the store into the work copy while the segments, large ones too, are fetched ahead
 * in parallel ({@link Downloads}); SQLite is loaded meanwhile for the final check; then each WAL
 * index flows from its segments, as they verify — each must start where the previous one ended,
 * with the index's salts and an unbroken checksum chain — into the applier, which applies committed
 * transactions only.
 */
public final class Restorer {
  /**
   * Compressed WAL bytes fetched ahead of the applying at least; more when the snapshot is larger,
   * so the disk a restore borrows stays within about twice the database's size.
   */
  static final long MIN_AHEAD_BYTES = 64L << 20;

  private final ReplicaStore store;
  private final RestoreSettings settings;

  public Restorer(ReplicaStore store, RestoreSettings settings) {
    this.store = store;
    this.settings = settings;
  }

  /**
   * Restores {@code plan} into {@code output}, which must not exist yet.
   *
   * @return the position the restored database stands at: the end of the last WAL segment applied
   *     (offset 0 of the snapshot's index when the plan holds no segment)
   */
  public Position restore(RestorePlan plan, Path output) throws RestoreException, IOException {
    Path out = output.toAbsolutePath();
    checkOutput(out);
    Path work = workDir(out);
    deleteTree(work);
    Files.createDirectories(work);
    ExecutorService pool =
        Executors.newFixedThreadPool(
            settings.parallelism() + 1,
            r -> {
              Thread t = new Thread(r, "restore-download");
              t.setDaemon(true);
              return t;
            });
    try (Progress progress =
        new Progress(
            settings.progress(),
            settings.progressInterval(),
            settings.ticker(),
            plan.totalBytes(),
            plan.files())) {
      Path db = work.resolve("db");
      pool.submit(IntegrityCheck::preload);
      Future<?> snapshot =
          pool.submit(
              () -> {
                restoreSnapshot(plan, db, progress);
                return null;
              });
      List<WalSegmentInfo> order = new ArrayList<>();
      plan.indices().forEach(i -> order.addAll(i.segments()));
      Downloads downloads =
          new Downloads(
              store,
              pool,
              work,
              settings.parallelism() * 2,
              Math.max(MIN_AHEAD_BYTES, plan.snapshot().size()),
              progress,
              order);
      await(snapshot);
      WalApplier applier = settings.mode().applier();
      Position reached = new Position(plan.generation(), plan.snapshot().name().index(), 0);
      for (IndexPlan index : plan.indices()) {
        progress.phase(String.format(Locale.ROOT, "applying index %08x", index.index()));
        try (WalApplier.IndexSink sink = applier.open(db, work, index.index())) {
          reached =
              new Position(
                  plan.generation(), index.index(), assemble(plan, index, downloads, sink.out()));
          sink.finish();
        }
      }
      progress.phase("checking integrity");
      // the disk flush and the check (reads from the page cache) overlap; the second force finds
      // nothing left to write unless the check wrote, and makes sure whatever it wrote is durable
      Future<?> flushed =
          pool.submit(
              () -> {
                DurableFiles.sync(db);
                return null;
              });
      IntegrityCheck.verify(db, out);
      await(flushed);
      DurableFiles.sync(db);
      Files.move(db, out);
      DurableFiles.syncDirectory(out.getParent());
      return reached;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RestoreException("restore interrupted; nothing was written to " + out, e);
    } catch (FileAlreadyExistsException e) {
      throw new RestoreException("cannot restore, output path already exists: " + out);
    } finally {
      stop(pool);
      deleteTree(work);
    }
  }

  /** Streams the snapshot from the store, decoding and checking it on the way into {@code db}. */
  private void restoreSnapshot(RestorePlan plan, Path db, Progress progress)
      throws IOException, RestoreException {
    LayoutFile name = plan.snapshot().name();
    try (InputStream in = new Downloads.Counting(store.open(name), progress);
        OutputStream sink = new BufferedOutputStream(Files.newOutputStream(db), 1 << 20)) {
      ContentCheck.snapshot(plan.snapshot().name(), in, sink);
    } catch (ValidationException e) {
      throw new RestoreException(
          plan.location()
              + "/"
              + name.path()
              + ": "
              + e.reason()
              + "; nothing can be restored from this snapshot (an older one may: try -timestamp before "
              + plan.snapshot().created()
              + ")");
    } catch (IOException e) {
      throw new RestoreException(
          "cannot download " + plan.location() + "/" + name.path() + ": " + e.getMessage(), e);
    }
  }

  private static void await(Future<?> f)
      throws RestoreException, IOException, InterruptedException {
    try {
      f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RestoreException r) {
        throw r;
      }
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * Verifies one index's segments into {@code sink}: contiguous, one salt pair, one checksum chain.
   *
   * @return the offset where the last segment ends
   */
  private long assemble(RestorePlan plan, IndexPlan index, Downloads downloads, OutputStream sink)
      throws IOException, InterruptedException, RestoreException {
    SegmentContext context = SegmentContext.UNKNOWN;
    long expected = 0;
    WalSegmentInfo lastGood = null;
    for (WalSegmentInfo seg : index.segments()) {
      if (seg.name().offset() != expected) {
        throw new RestoreException(
            String.format(
                Locale.ROOT,
                "%s/%s: %s: segment starts at offset 0x%x, the previous one ends at 0x%x; %s",
                plan.location(),
                seg.name().path(),
                seg.name().offset() > expected ? "gap" : "overlap",
                seg.name().offset(),
                expected,
                RestorePoints.beforeSegment(plan, lastGood)));
      }
      try (InputStream in = take(plan, downloads, seg.name())) {
        SegmentSummary s = ContentCheck.segment(seg.name(), in, context, sink);
        context = SegmentContext.after(s);
        expected = s.endOffset();
      } catch (Downloads.Failed e) {
        throw cannotDownload(plan, seg.name(), e);
      } catch (ValidationException e) {
        if (e.getCause() instanceof Downloads.Failed f) { // the bytes stopped, not damaged ones
          throw cannotDownload(plan, seg.name(), f);
        }
        if (e.getCause() instanceof InterruptedIOException) { // waiting for them was interrupted
          throw new InterruptedException(e.getMessage());
        }
        throw new RestoreException(
            plan.location()
                + "/"
                + seg.name().path()
                + ": "
                + e.reason()
                + "; "
                + RestorePoints.beforeSegment(plan, lastGood));
      }
      lastGood = seg;
    }
    return expected;
  }

  /**
   * Stops the downloads and waits for them, so none writes into the work directory after it goes.
   */
  private static void stop(ExecutorService pool) {
    pool.shutdownNow();
    try {
      if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("restore downloads did not stop within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static InputStream take(RestorePlan plan, Downloads downloads, LayoutFile name)
      throws RestoreException {
    try {
      return downloads.take(name);
    } catch (IOException e) {
      throw cannotDownload(plan, name, e);
    }
  }

  private static RestoreException cannotDownload(RestorePlan plan, LayoutFile name, IOException e) {
    Throwable cause = e instanceof Downloads.Failed ? e.getCause() : e;
    return new RestoreException(
        "cannot download " + plan.location() + "/" + name.path() + ": " + cause.getMessage(),
        cause);
  }

  private static void checkOutput(Path out) throws RestoreException {
    if (Files.exists(out)) {
      throw new RestoreException("cannot restore, output path already exists: " + out);
    }
    Path wal = SqliteFiles.wal(out);
    if (Files.exists(wal)) {
      throw new RestoreException(
          "cannot restore to "
              + out
              + ": "
              + wal
              + " exists without its database; SQLite would apply it"
              + " to the restored file. Move it away (it belongs to the lost database), then restore again");
    }
    if (out.getParent() == null || !Files.isDirectory(out.getParent())) {
      throw new RestoreException(
          "cannot restore to " + out + ": directory " + out.getParent() + " does not exist");
    }
  }

  /** The work directory of a restore into {@code out}. */
  static Path workDir(Path out) {
    return out.resolveSibling("." + out.getFileName() + ".restore-tmp");
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
