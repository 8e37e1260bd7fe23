package dev.walship.format.store;

import dev.walship.format.layout.WalSegmentName;
import java.time.Instant;

/** A WAL segment as a store lists it: name, compressed size, and mtime (Litestream's "created"). */
public record WalSegmentInfo(WalSegmentName name, long size, Instant created)
    implements Comparable<WalSegmentInfo> {
  @Override
  public int compareTo(WalSegmentInfo o) {
    return name.compareTo(o.name);
  }
}
