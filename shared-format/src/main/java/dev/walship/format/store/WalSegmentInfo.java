package dev.walship.format.store;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.InvalidNameException;
import dev.walship.format.layout.WalSegmentName;
import java.time.Instant;
import java.util.Optional;

/** A WAL segment as a store lists it: name, compressed size, and mtime (Litestream's "created"). */
public record WalSegmentInfo(WalSegmentName name, long size, Instant created)
    implements Comparable<WalSegmentInfo> {
  /**
   * The segment a directory entry of {@code generation}'s {@code wal/} is; empty for a directory or
   * a name that does not parse (Litestream skips those).
   */
  public static Optional<WalSegmentInfo> of(Generation generation, Entry e) {
    if (e.directory()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new WalSegmentInfo(WalSegmentName.parse(generation, e.name()), e.size(), e.modified()));
    } catch (InvalidNameException skipped) {
      return Optional.empty();
    }
  }

  @Override
  public int compareTo(WalSegmentInfo o) {
    return name.compareTo(o.name);
  }
}
