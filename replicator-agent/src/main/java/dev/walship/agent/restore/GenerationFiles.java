package dev.walship.agent.restore;

import dev.walship.format.layout.Generation;
import dev.walship.format.store.SnapshotInfo;
import dev.walship.format.store.WalSegmentInfo;
import java.time.Instant;
import java.util.List;

/**
 * One generation as a replica lists it: snapshots sorted by index, segments by (index, offset).
 * Its time bounds are Litestream's: the oldest and newest mtime of any of its files.
 */
public record GenerationFiles(
    Generation generation, List<SnapshotInfo> snapshots, List<WalSegmentInfo> segments) {

  public GenerationFiles {
    snapshots = List.copyOf(snapshots);
    segments = List.copyOf(segments);
  }

  /** The oldest mtime of any file, or null when there is none. */
  public Instant createdAt() {
    Instant min = null;
    for (SnapshotInfo s : snapshots) {
      min = min == null || s.created().isBefore(min) ? s.created() : min;
    }
    for (WalSegmentInfo w : segments) {
      min = min == null || w.created().isBefore(min) ? w.created() : min;
    }
    return min;
  }

  /** The newest mtime of any file, or null when there is none. */
  public Instant updatedAt() {
    return lastWrite(Instant.MAX);
  }

  /** The newest mtime at or before {@code t}, or null when no file is that old. */
  public Instant lastWrite(Instant t) {
    Instant max = null;
    for (SnapshotInfo s : snapshots) {
      if (!s.created().isAfter(t) && (max == null || s.created().isAfter(max))) {
        max = s.created();
      }
    }
    for (WalSegmentInfo w : segments) {
      if (!w.created().isAfter(t) && (max == null || w.created().isAfter(max))) {
        max = w.created();
      }
    }
    return max;
  }

  /** The highest WAL index with a segment or snapshot, or -1 when there is none. */
  public int maxIndex() {
    int max = -1;
    for (SnapshotInfo s : snapshots) {
      max = Math.max(max, s.name().index());
    }
    for (WalSegmentInfo w : segments) {
      max = Math.max(max, w.name().index());
    }
    return max;
  }
}
