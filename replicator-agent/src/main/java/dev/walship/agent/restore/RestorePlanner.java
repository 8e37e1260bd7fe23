package dev.walship.agent.restore;

import dev.walship.format.catalog.GenerationFiles;
import dev.walship.format.catalog.ReplicaCatalog;
import dev.walship.format.layout.Layout;
import dev.walship.format.store.SnapshotInfo;
import dev.walship.format.store.WalSegmentInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Chooses what a restore applies, from the replica's listing alone.
 *
 * <p>Design note. A replica is a set of generations; each holds snapshots and WAL segments whose
 * only timestamp is their mtime. The state "as of T" is the state after the newest write at or
 * before T, so:
 *
 * <ul>
 *   <li><b>Generation</b>: {@code -generation} if given; otherwise, among generations with a
 *       snapshot at or before T, the one whose newest file at or before T is newest (T = +inf for
 *       "latest" and for {@code -index}). A T between two generations, or after the last write,
 *       thus gives the state in force at T; Litestream v0.3.13 answers "no matching backups" there.
 *   <li><b>Snapshot</b>: the newest (by mtime, then index) at or before T and at or below the
 *       target index.
 *   <li><b>Segments</b>: those of the snapshot's index and later, in (index, offset) order, up to
 *       the first one written after T or beyond the target index.
 * </ul>
 *
 * Checks that need only names happen here, before any download: every index from the snapshot's to
 * the last one applied is present and starts at offset 0 (Litestream silently restores less when a
 * middle segment or index is missing). What needs content — contiguity, salts, checksums, the last
 * commit — is checked while applying. Every error names the file and the newest point that can be
 * restored.
 */
public final class RestorePlanner {
  private RestorePlanner() {}

  public static RestorePlan plan(ReplicaCatalog catalog, RestoreTarget target)
      throws RestoreException {
    Instant t = target.timestamp() == null ? Instant.MAX : target.timestamp();
    GenerationFiles gen = chooseGeneration(catalog, target, t);
    SnapshotInfo snapshot = chooseSnapshot(catalog, gen, target, t);
    if (target.index() != null && target.index() > gen.maxIndex()) {
      throw new RestoreException(
          String.format(
              Locale.ROOT,
              "-index %08x is beyond what %s holds: generation %s ends at index %08x",
              target.index(),
              catalog.location(),
              gen.generation(),
              gen.maxIndex()));
    }
    List<IndexPlan> indices = chooseSegments(catalog, gen, snapshot, target, t);
    return new RestorePlan(catalog.location(), gen.generation(), snapshot, indices, target);
  }

  private static GenerationFiles chooseGeneration(
      ReplicaCatalog catalog, RestoreTarget target, Instant t) throws NoBackupsException {
    if (catalog.generations().isEmpty()) {
      throw new NoBackupsException(
          "no matching backups found: no generations in " + catalog.location());
    }
    if (target.generation() != null) {
      return catalog
          .generation(target.generation())
          .orElseThrow(
              () ->
                  new NoBackupsException(
                      "no matching backups found: generation "
                          + target.generation()
                          + " is not in "
                          + catalog.location()));
    }
    GenerationFiles best = null;
    Instant bestWrite = null;
    for (GenerationFiles g : catalog.generations()) {
      boolean hasSnapshot = g.snapshots().stream().anyMatch(s -> !s.created().isAfter(t));
      Instant write = g.lastWrite(t);
      if (!hasSnapshot || write == null) {
        continue;
      }
      if (best == null
          || write.isAfter(bestWrite)
          || (write.equals(bestWrite) && g.createdAt().isAfter(best.createdAt()))) {
        best = g;
        bestWrite = write;
      }
    }
    if (best == null) {
      throw new NoBackupsException(
          "no matching backups found: no snapshot at or before "
              + target.timestamp()
              + " in "
              + catalog.location()
              + oldestSnapshot(catalog));
    }
    return best;
  }

  private static String oldestSnapshot(ReplicaCatalog catalog) {
    return catalog.generations().stream()
        .flatMap(g -> g.snapshots().stream())
        .min(Comparator.comparing(SnapshotInfo::created))
        .map(s -> "; the oldest is " + s.name().path() + " from " + s.created())
        .orElse("; it holds no snapshot");
  }

  private static SnapshotInfo chooseSnapshot(
      ReplicaCatalog catalog, GenerationFiles gen, RestoreTarget target, Instant t)
      throws NoBackupsException {
    return gen.snapshots().stream()
        .filter(s -> !s.created().isAfter(t))
        .filter(s -> target.index() == null || s.name().index() <= target.index())
        .max(Comparator.comparing(SnapshotInfo::created).thenComparing(s -> s.name().index()))
        .orElseThrow(
            () ->
                new NoBackupsException(
                    "no matching backups found: generation "
                        + gen.generation()
                        + " in "
                        + catalog.location()
                        + " has no snapshot at or before "
                        + target
                        + (gen.snapshots().isEmpty()
                            ? ""
                            : "; its oldest is "
                                + gen.snapshots().get(0).name().path()
                                + " from "
                                + gen.snapshots().get(0).created())));
  }

  private static List<IndexPlan> chooseSegments(
      ReplicaCatalog catalog,
      GenerationFiles gen,
      SnapshotInfo snapshot,
      RestoreTarget target,
      Instant t)
      throws RestoreException {
    int last = target.index() != null ? target.index() : Integer.MAX_VALUE;
    Map<Integer, List<WalSegmentInfo>> byIndex = new TreeMap<>();
    for (WalSegmentInfo w : gen.segments()) {
      int i = w.name().index();
      if (i < snapshot.name().index()) {
        continue;
      }
      if (w.created().isAfter(t) || i > last) {
        break;
      }
      byIndex.computeIfAbsent(i, k -> new ArrayList<>()).add(w);
    }
    int through =
        target.index() != null
            ? target.index()
            : byIndex.isEmpty()
                ? snapshot.name().index()
                : ((TreeMap<Integer, ?>) byIndex).lastKey();
    List<IndexPlan> out = new ArrayList<>();
    for (int i = snapshot.name().index(); i <= through; i++) {
      List<WalSegmentInfo> segs = byIndex.get(i);
      if (segs == null) {
        if (i == snapshot.name().index() && byIndex.isEmpty() && target.index() == null) {
          break; // snapshot only, as Litestream restores it
        }
        throw new RestoreException(
            String.format(
                Locale.ROOT,
                "%s/%s: WAL index %08x is missing (no segment between the snapshot and the target); %s",
                catalog.location(),
                Layout.walDir(gen.generation()),
                i,
                RestorePoints.before(gen, snapshot, out)));
      }
      if (segs.get(0).name().offset() != 0) {
        throw new RestoreException(
            String.format(
                Locale.ROOT,
                "%s/%s: WAL index %08x starts at offset 0x%x, not 0 (its first segment is missing); %s",
                catalog.location(),
                segs.get(0).name().path(),
                i,
                segs.get(0).name().offset(),
                RestorePoints.before(gen, snapshot, out)));
      }
      out.add(new IndexPlan(i, segs));
    }
    return out;
  }
}
