package dev.walship.format.store;

import dev.walship.format.layout.SnapshotName;
import java.time.Instant;

/** A snapshot as a store lists it: name, compressed size, and mtime (Litestream's "created"). */
public record SnapshotInfo(SnapshotName name, long size, Instant created)
    implements Comparable<SnapshotInfo> {
  @Override
  public int compareTo(SnapshotInfo o) {
    return name.compareTo(o.name);
  }
}
