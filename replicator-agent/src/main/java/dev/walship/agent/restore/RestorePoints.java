package dev.walship.agent.restore;

import dev.walship.format.catalog.GenerationFiles;
import dev.walship.format.store.SnapshotInfo;
import dev.walship.format.store.WalSegmentInfo;
import java.util.List;
import java.util.Locale;

/** Words for "the newest point that can be restored", for error messages. */
final class RestorePoints {
  private RestorePoints() {}

  /** The newest restorable point when everything in {@code good} can be applied, nothing after. */
  static String before(GenerationFiles gen, SnapshotInfo snapshot, List<IndexPlan> good) {
    if (good.isEmpty()) {
      return "nothing newer than the snapshot "
          + snapshot.name().path()
          + " can be restored from generation "
          + gen.generation();
    }
    IndexPlan lastIndex = good.get(good.size() - 1);
    return String.format(
        Locale.ROOT,
        "newest restorable point: the end of index %08x of generation %s (restore it with -generation %s -index %x)",
        lastIndex.index(),
        gen.generation(),
        gen.generation(),
        lastIndex.index());
  }

  /**
   * The newest restorable point when segments before {@code bad} verified and {@code bad} did not.
   */
  static String beforeSegment(RestorePlan plan, WalSegmentInfo lastGood) {
    if (lastGood == null) {
      return "nothing newer than the snapshot "
          + plan.snapshot().name().path()
          + " can be restored from generation "
          + plan.generation();
    }
    return "newest restorable point: "
        + lastGood.name().path()
        + ", written "
        + lastGood.created()
        + " (restore it with -generation "
        + plan.generation()
        + " -timestamp "
        + lastGood.created()
        + ")";
  }
}
