package dev.walship.format.store;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.InvalidNameException;
import dev.walship.format.layout.SnapshotName;
import java.time.Instant;
import java.util.Optional;

/** A snapshot as a store lists it: name, compressed size, and mtime (Litestream's "created"). */
public record SnapshotInfo(SnapshotName name, long size, Instant created)
    implements Comparable<SnapshotInfo> {
  /**
   * The snapshot a directory entry of {@code generation}'s {@code snapshots/} is; empty for a
   * directory or a name that does not parse (Litestream skips those).
   */
  public static Optional<SnapshotInfo> of(Generation generation, Entry e) {
    if (e.directory()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new SnapshotInfo(SnapshotName.parse(generation, e.name()), e.size(), e.modified()));
    } catch (InvalidNameException skipped) {
      return Optional.empty();
    }
  }

  @Override
  public int compareTo(SnapshotInfo o) {
    return name.compareTo(o.name);
  }
}
