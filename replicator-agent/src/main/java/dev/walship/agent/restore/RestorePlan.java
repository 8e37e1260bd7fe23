package dev.walship.agent.restore;

import dev.walship.format.layout.Generation;
import dev.walship.format.store.SnapshotInfo;
import dev.walship.format.store.WalSegmentInfo;
import java.util.List;

/**
 * What a restore downloads and applies: one snapshot of one generation, then whole WAL indices from
 * the snapshot's on, each from offset 0, the last possibly cut by the target time.
 */
public record RestorePlan(
    String location,
    Generation generation,
    SnapshotInfo snapshot,
    List<IndexPlan> indices,
    RestoreTarget target) {

  public RestorePlan {
    indices = List.copyOf(indices);
  }

  /** Bytes to download (compressed). */
  public long totalBytes() {
    long n = snapshot.size();
    for (IndexPlan i : indices) {
      for (WalSegmentInfo w : i.segments()) {
        n += w.size();
      }
    }
    return n;
  }

  /** Files to download. */
  public int files() {
    return 1 + indices.stream().mapToInt(i -> i.segments().size()).sum();
  }
}
