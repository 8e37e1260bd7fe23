package dev.walship.agent.restore;

import dev.walship.format.store.WalSegmentInfo;
import java.util.List;

/** The segments of one WAL index a restore applies, in offset order, the first at offset 0. */
public record IndexPlan(int index, List<WalSegmentInfo> segments) {
  public IndexPlan {
    segments = List.copyOf(segments);
  }
}
