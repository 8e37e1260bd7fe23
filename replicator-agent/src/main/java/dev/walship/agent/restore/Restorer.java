package dev.walship.agent.restore;

import dev.walship.format.layout.LayoutFile;
import dev.walship.format.store.ReplicaStore;
import dev.walship.format.store.WalSegmentInfo;
import dev.walship.format.validate.ContentCheck;
import dev.walship.format.validate.SegmentContext;
import dev.walship.format.validate.SegmentSummary;
import dev.walship.format.validate.ValidationException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Carries out a {@link RestorePlan}: downloads in parallel, verifies, applies, checks, and only
 * then moves the result to the output path.
 *
 * <p>Everything happens in a work directory next to the output ({@code .<name>.restore-tmp}), on
 * the same file system, which is deleted on success and on failure alike; a restore that is killed
 * leaves that directory (removed by the next restore) and nothing at the output path. Each WAL
 * index is assembled from its segments into one file as they verify — each segment must start
 * where the previous one ended, with the index's salts and an unbroken checksum chain — and is
 * applied up to its last commit frame.
 */
public final class Restorer {
  private final ReplicaStore store;
  private final RestoreSettings settings;

  public Restorer(ReplicaStore store, RestoreSettings settings) {
    this.store = store;
    this.settings = settings;
  }

  /** Restores {@code plan} into {@code output}, which must not exist yet. */
  public void restore(RestorePlan plan, Path output) throws RestoreException, IOException {
    Path out = output.toAbsolutePath();
    checkOutput(out);
    Path work = workDir(out);
    deleteTree(work);
    Files.createDirectories(work);
    ExecutorService pool = Executors.newFixedThreadPool(settings.parallelism(), r -> {
      Thread t = new Thread(r, "restore-download");
      t.setDaemon(true);
      return t;
    });
    try (Progress progress =
        new Progress(settings.progress(), settings.progressInterval(), plan.totalBytes(), plan.files())) {
      Path db = work.resolve("db");
      List<LayoutFile> order = new ArrayList<>();
      order.add(plan.snapshot().name());
      plan.indices().forEach(i -> i.segments().forEach(w -> order.add(w.name())));
      Downloads downloads =
          new Downloads(store, pool, work, settings.parallelism() * 2, progress, order);
      restoreSnapshot(plan, downloads, db);
      WalApplier applier = settings.mode().applier();
      for (IndexPlan index : plan.indices()) {
        progress.phase(String.format("applying index %08x", index.index()));
        Path wal = work.resolve(String.format("%08x.wal", index.index()));
        long commitEnd = assemble(plan, index, downloads, wal);
        if (commitEnd > 0) {
          applier.apply(db, wal, commitEnd);
        }
        Files.delete(wal);
      }
      progress.phase("checking integrity");
      IntegrityCheck.verify(db, out);
      sync(db);
      Files.move(db, out);
      syncDirectory(out.getParent());
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

  /** Stops the downloads and waits for them, so none writes into the work directory after it goes. */
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

  private void restoreSnapshot(RestorePlan plan, Downloads downloads, Path db)
      throws IOException, InterruptedException, RestoreException {
    LayoutFile name = plan.snapshot().name();
    Path file = take(plan, downloads, name);
    try (InputStream in = Files.newInputStream(file);
        OutputStream sink = new BufferedOutputStream(Files.newOutputStream(db), 1 << 16)) {
      ContentCheck.snapshot(plan.snapshot().name(), in, sink);
    } catch (ValidationException e) {
      throw new RestoreException(plan.location() + "/" + name.path() + ": " + e.reason()
          + "; nothing can be restored from this snapshot (an older one may: try -timestamp before "
          + plan.snapshot().created() + ")");
    }
    Files.delete(file);
  }

  /** Verifies one index's segments into {@code wal}; returns the end of its last commit, or -1. */
  private long assemble(RestorePlan plan, IndexPlan index, Downloads downloads, Path wal)
      throws IOException, InterruptedException, RestoreException {
    SegmentContext context = SegmentContext.UNKNOWN;
    long expected = 0;
    long commitEnd = -1;
    WalSegmentInfo lastGood = null;
    try (OutputStream sink = new BufferedOutputStream(Files.newOutputStream(wal), 1 << 16)) {
      for (WalSegmentInfo seg : index.segments()) {
        if (seg.name().offset() != expected) {
          throw new RestoreException(String.format(
              "%s/%s: %s: segment starts at offset 0x%x, the previous one ends at 0x%x; %s",
              plan.location(), seg.name().path(), seg.name().offset() > expected ? "gap" : "overlap",
              seg.name().offset(), expected, RestorePoints.beforeSegment(plan, lastGood)));
        }
        Path file = take(plan, downloads, seg.name());
        try (InputStream in = Files.newInputStream(file)) {
          SegmentSummary s = ContentCheck.segment(seg.name(), in, context, sink);
          context = SegmentContext.after(s);
          expected = s.endOffset();
          commitEnd = Math.max(commitEnd, s.lastCommitEnd());
        } catch (ValidationException e) {
          throw new RestoreException(plan.location() + "/" + seg.name().path() + ": " + e.reason()
              + "; " + RestorePoints.beforeSegment(plan, lastGood));
        }
        Files.delete(file);
        lastGood = seg;
      }
    }
    return commitEnd;
  }

  private static Path take(RestorePlan plan, Downloads downloads, LayoutFile name)
      throws InterruptedException, RestoreException {
    try {
      return downloads.take(name);
    } catch (IOException e) {
      throw new RestoreException(
          "cannot download " + plan.location() + "/" + name.path() + ": " + e.getMessage(), e);
    }
  }

  private static void checkOutput(Path out) throws RestoreException {
    if (Files.exists(out)) {
      throw new RestoreException("cannot restore, output path already exists: " + out);
    }
    Path wal = Path.of(out + "-wal");
    if (Files.exists(wal)) {
      throw new RestoreException(
          "cannot restore to " + out + ": " + wal + " exists without its database; SQLite would apply it"
              + " to the restored file. Move it away (it belongs to the lost database), then restore again");
    }
    if (out.getParent() == null || !Files.isDirectory(out.getParent())) {
      throw new RestoreException("cannot restore to " + out + ": directory " + out.getParent() + " does not exist");
    }
  }

  /** The work directory of a restore into {@code out}. */
  static Path workDir(Path out) {
    return out.resolveSibling("." + out.getFileName() + ".restore-tmp");
  }

  private static void sync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
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
