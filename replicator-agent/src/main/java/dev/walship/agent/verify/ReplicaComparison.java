package dev.walship.agent.verify;

import dev.walship.agent.capture.CapturedPages;
import dev.walship.agent.restore.RestoreException;
import dev.walship.agent.restore.RestorePlan;
import dev.walship.agent.restore.RestorePlanner;
import dev.walship.agent.restore.RestoreSettings;
import dev.walship.agent.restore.RestoreTarget;
import dev.walship.agent.restore.Restorer;
import dev.walship.agent.restore.WalApplier;
import dev.walship.format.catalog.GenerationFiles;
import dev.walship.format.catalog.ReplicaCatalog;
import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import dev.walship.format.store.ReplicaStore;
import dev.walship.toolkit.time.Ticker;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One check of one replica: restore it, in the background, into a temporary file, and compare that
 * file page by page with what the database held at the same position.
 *
 * <p>Design note — "the same position". The database moves on while a replica is downloaded, and a
 * replica ends wherever its shipper happened to be, so neither side can be compared "now". The
 * check therefore fixes the position on the replica's side and rebuilds the local side there:
 *
 * <ol>
 *   <li>The local generation is the one capture records now ({@link CapturedPages}); only that
 *       generation of the replica is listed (the one read-model, {@code format.catalog}).
 *   <li>The replica is restored by the ordinary planner and restorer (no second restore path) up to
 *       the last index both sides hold; the restorer reports where the last segment it applied
 *       ends. That end is a commit boundary, because shippers ship committed bytes only: it is the
 *       position P.
 *   <li>The local pages at P are the page image capture saved, brought forward by replaying the
 *       shadow WAL's whole transactions up to P ({@link CapturedPages#at}). The database file is
 *       never read, so the application's later writes cannot make a false mismatch.
 *   <li>Every page whose content capture knows is compared by hash; a page count that differs is a
 *       mismatch too. A mismatch names the replica files that last wrote the differing pages.
 * </ol>
 *
 * A replica that cannot be restored at all (a segment fails its checksums, an index is missing) is
 * a mismatch with the restorer's message, which names the file. When P cannot be rebuilt locally
 * (the replica is behind the saved image, or ahead of the shadow) the check is skipped, not failed.
 * Nothing is written to the replica; the temporary file lives in the meta directory ({@code
 * verify/}) and is deleted afterwards.
 */
public final class ReplicaComparison {
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  private final String db;
  private final Path metaDir;
  private final String replica;
  private final ReplicaStore store;
  private final RestoreSettings settings;
  private final Progress progress;

  /** How far the replica is, as its running shipper knows it. */
  @FunctionalInterface
  public interface Progress {
    /** Nothing known: compare wherever the replica ends ({@code verify}). */
    Progress UNKNOWN = p -> true;

    /**
     * Waits (a bounded time) until the replica holds {@code p}; false when it did not get there.
     */
    boolean reached(Position p) throws InterruptedException;
  }

  /**
   * @param db the database's path, for messages
   * @param metaDir capture's meta directory of that database
   * @param replica the replica's name
   * @param store the replica, read only
   * @param progress waits until the replica holds the oldest point the meta directory can rebuild
   */
  public ReplicaComparison(
      String db,
      Path metaDir,
      String replica,
      ReplicaStore store,
      Ticker ticker,
      Progress progress) {
    this.db = db;
    this.metaDir = metaDir;
    this.replica = replica;
    this.store = store;
    this.progress = progress;
    this.settings =
        new RestoreSettings(2, WalApplier.Mode.PAGES, QUIET, Duration.ofDays(1), ticker);
  }

  public String db() {
    return db;
  }

  public String replica() {
    return replica;
  }

  /** Runs the check; never throws for what it finds (see {@link Verdict}). */
  public Verdict run() throws InterruptedException {
    try {
      return check();
    } catch (NoSuchFileException e) {
      return verdict(
          Verdict.Result.ERROR,
          null,
          "a file vanished during the check ("
              + e.getFile()
              + "; retention or a new local image); the next check tries again");
    } catch (IOException e) {
      return verdict(Verdict.Result.ERROR, null, "cannot check: " + oneLine(e));
    }
  }

  private Verdict check() throws IOException, InterruptedException {
    Optional<CapturedPages> captured = CapturedPages.read(metaDir);
    if (captured.isEmpty()) {
      return verdict(
          Verdict.Result.SKIPPED, null, "nothing captured yet (no page image in " + metaDir + ")");
    }
    try (CapturedPages local = captured.get()) {
      if (!progress.reached(local.oldest())) {
        return verdict(
            Verdict.Result.SKIPPED,
            null,
            "the replica has not reached "
                + local.oldest()
                + ", the oldest point the meta directory can rebuild, in time");
      }
      return check(local);
    }
  }

  private Verdict check(CapturedPages local) throws IOException, InterruptedException {
    Generation g = local.generation();
    ReplicaCatalog catalog = ReplicaCatalog.load(store, g);
    Optional<GenerationFiles> files = catalog.generation(g);
    if (files.isEmpty()) {
      return verdict(
          Verdict.Result.SKIPPED, null, "the replica holds nothing of generation " + g + " yet");
    }
    int last = Math.min(files.get().maxIndex(), local.lastIndex());
    if (!hasWal(files.get(), last)) {
      return verdict(
          Verdict.Result.SKIPPED,
          null,
          "generation " + g + " has no WAL segment after its snapshot yet");
    }
    RestorePlan plan;
    try {
      plan = RestorePlanner.plan(catalog, new RestoreTarget(g, last, null));
    } catch (RestoreException e) {
      return verdict(
          Verdict.Result.MISMATCH, null, "the replica cannot be restored: " + oneLine(e));
    }
    return restoreAndCompare(local, plan);
  }

  private Verdict restoreAndCompare(CapturedPages local, RestorePlan plan)
      throws IOException, InterruptedException {
    Path dir = metaDir.resolve("verify");
    Files.createDirectories(dir);
    Path out = dir.resolve(fileName(replica));
    clean(out);
    try {
      Position at;
      try {
        at = new Restorer(store, settings).restore(plan, out);
      } catch (RestoreException e) {
        if (e.getCause() instanceof IOException io && !(io instanceof NoSuchFileException)) {
          return verdict(Verdict.Result.ERROR, null, "cannot download: " + oneLine(e));
        }
        return verdict(
            Verdict.Result.MISMATCH, null, "the replica cannot be restored: " + oneLine(e));
      }
      CapturedPages.Pages want;
      try {
        want = local.at(at);
      } catch (CapturedPages.OutOfRange e) {
        return verdict(
            Verdict.Result.SKIPPED,
            at,
            "the database cannot be rebuilt at the replica's end: " + e.getMessage());
      }
      CapturedPages.Comparison c = want.compare(out);
      if (c.matches()) {
        return verdict(
            Verdict.Result.OK,
            at,
            c.actualPages()
                + " pages match the database"
                + (c.unknown() == 0
                    ? ""
                    : " (" + c.unknown() + " not known locally, not compared)"));
      }
      return verdict(
          Verdict.Result.MISMATCH, at, describe(c, Culprits.find(store, plan, c.differing())));
    } finally {
      clean(out);
    }
  }

  private static String describe(CapturedPages.Comparison c, List<String> culprits) {
    StringBuilder b = new StringBuilder("the restored replica differs from the database: ");
    if (c.expectedPages() != c.actualPages()) {
      b.append(c.actualPages())
          .append(" pages != ")
          .append(c.expectedPages())
          .append(" expected; ");
    }
    if (c.differingCount() > 0) {
      b.append(c.differingCount())
          .append(" pages differ (first: ")
          .append(c.differing())
          .append("); ");
    }
    b.append(
        culprits.isEmpty()
            ? "no replica file names them"
            : "written by " + String.join(", ", culprits));
    return b.toString();
  }

  /** Whether some WAL segment follows the newest snapshot at or below {@code last}. */
  private static boolean hasWal(GenerationFiles files, int last) {
    int snap =
        files.snapshots().stream()
            .mapToInt(s -> s.name().index())
            .filter(i -> i <= last)
            .max()
            .orElse(-1);
    return snap >= 0
        && files.segments().stream()
            .anyMatch(w -> w.name().index() >= snap && w.name().index() <= last);
  }

  private Verdict verdict(Verdict.Result r, Position at, String detail) {
    return new Verdict(r, db, replica, at, detail);
  }

  static String fileName(String replica) {
    return "replica-" + replica.replaceAll("[^A-Za-z0-9_.-]", "_") + ".db";
  }

  private static void clean(Path out) throws IOException {
    for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
      Files.deleteIfExists(out.resolveSibling(out.getFileName() + suffix));
    }
  }

  private static String oneLine(Exception e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    return m.replace('\n', ' ');
  }
}
