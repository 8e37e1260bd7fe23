package dev.walship.agent.ship;

import dev.walship.format.catalog.GenerationFiles;
import dev.walship.format.catalog.ReplicaCatalog;
import dev.walship.format.catalog.Temporary;
import dev.walship.format.layout.Generation;
import dev.walship.format.store.ReplicaStore;
import dev.walship.format.store.SnapshotInfo;
import dev.walship.format.store.WalSegmentInfo;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Retention of a replica (docs/design.md §5; capture keeps its own shadow WAL by {@code
 * capture.Retention}): what to delete from a replica so that nothing older than the cutoff is kept
 * that no restore can need, and nothing a restore of the newest state needs is lost.
 *
 * <p>Rules, per generation:
 *
 * <ul>
 *   <li>The newest snapshot (highest index) is always kept, and so is every snapshot whose mtime is
 *       at or after the cutoff. Let M be the lowest index among the kept snapshots.
 *   <li>Snapshots below M are deleted (by construction all older than the cutoff).
 *   <li>A WAL index below M is deleted as a whole, highest offset first, when every one of its
 *       segments is older than the cutoff. Whole indices only: Litestream's restore refuses an
 *       index whose offset-0 segment is missing even when it does not need that index.
 *   <li>Leftover {@code .tmp} files older than the cutoff are deleted.
 *   <li>A generation without snapshots keeps all of its segments.
 * </ul>
 *
 * A whole generation is deleted when every file in it is older than the cutoff and another
 * generation with a snapshot was updated after it. So the newest restorable chain (newest snapshot
 * of the newest generation with a snapshot, plus every segment from its index on) always stays, and
 * the only snapshot of a replica is never deleted. Snapshots are deleted before segments, so an
 * interrupted run never leaves a snapshot without the segments that follow it.
 */
final class ReplicaRetention {
  /** What to delete: whole generations, then single files in this order. */
  record Plan(List<Generation> generations, List<String> files) {
    boolean isEmpty() {
      return generations.isEmpty() && files.isEmpty();
    }
  }

  private ReplicaRetention() {}

  /** What retention deletes given the listing and the cutoff ({@code now - retention}). */
  static Plan plan(ReplicaCatalog catalog, Instant cutoff) {
    List<GenerationFiles> replica = catalog.generations();
    List<Generation> whole = new ArrayList<>();
    List<String> snapshotFiles = new ArrayList<>();
    List<String> segmentFiles = new ArrayList<>();
    for (GenerationFiles g : replica) {
      if (obsolete(g, replica, cutoff)) {
        whole.add(g.generation());
      } else {
        pruneWithin(g, cutoff, snapshotFiles, segmentFiles);
      }
    }
    List<String> files = new ArrayList<>(snapshotFiles);
    files.addAll(segmentFiles);
    return new Plan(whole, files);
  }

  /**
   * What a run deleted, and the server's refusal that ended it early, if one did.
   *
   * @param deleted generations and files deleted
   * @param refused why the server kept a file (e.g. replica-server's {@code immutable-for}), or
   *     null
   */
  record Applied(int deleted, String refused) {}

  /**
   * Deletes what {@code plan} says, in order. A deletion the server refuses (permission denied:
   * replica-server keeps recent files for {@code immutable-for}) ends the run quietly, keeping the
   * order's promise; the rest waits for the next check, when those files may be old enough.
   */
  static Applied apply(ReplicaStore store, Plan plan) throws IOException {
    int n = 0;
    try {
      for (Generation g : plan.generations()) {
        store.deleteGeneration(g);
        n++;
      }
      for (String path : plan.files()) {
        store.delete(path);
        n++;
      }
    } catch (AccessDeniedException refused) {
      return new Applied(n, refused.getMessage());
    }
    return new Applied(n, null);
  }

  /** Everything older than the cutoff, and a generation with a snapshot was updated after it. */
  private static boolean obsolete(GenerationFiles g, List<GenerationFiles> all, Instant cutoff) {
    Instant updated = g.lastActivity();
    if (updated != null && !updated.isBefore(cutoff)) {
      return false;
    }
    for (GenerationFiles other : all) {
      if (other != g && !other.snapshots().isEmpty()) {
        Instant o = other.lastActivity();
        if (updated == null || o.isAfter(updated)) {
          return true;
        }
      }
    }
    return false;
  }

  private static void pruneWithin(
      GenerationFiles g, Instant cutoff, List<String> snapshotFiles, List<String> segmentFiles) {
    for (Temporary t : g.temporaries()) {
      if (t.modified().isBefore(cutoff)) {
        segmentFiles.add(t.path());
      }
    }
    if (g.snapshots().isEmpty()) {
      return;
    }
    int newest = g.snapshots().stream().mapToInt(s -> s.name().index()).max().getAsInt();
    int keepFrom = newest;
    for (SnapshotInfo s : g.snapshots()) {
      if (!s.created().isBefore(cutoff)) {
        keepFrom = Math.min(keepFrom, s.name().index());
      }
    }
    for (SnapshotInfo s : g.snapshots()) {
      if (s.name().index() < keepFrom) {
        snapshotFiles.add(s.name().path());
      }
    }
    Map<Integer, List<WalSegmentInfo>> byIndex = new TreeMap<>();
    for (WalSegmentInfo s : g.segments()) {
      if (s.name().index() < keepFrom) {
        byIndex.computeIfAbsent(s.name().index(), i -> new ArrayList<>()).add(s);
      }
    }
    for (List<WalSegmentInfo> index : byIndex.values()) {
      if (index.stream().allMatch(s -> s.created().isBefore(cutoff))) {
        index.sort(Comparator.comparingLong((WalSegmentInfo s) -> s.name().offset()).reversed());
        index.forEach(s -> segmentFiles.add(s.name().path()));
      }
    }
  }
}
