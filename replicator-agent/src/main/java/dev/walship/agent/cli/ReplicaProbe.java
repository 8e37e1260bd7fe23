package dev.walship.agent.cli;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import dev.walship.format.store.ReplicaStore;
import dev.walship.format.store.SnapshotInfo;
import dev.walship.format.store.WalSegmentInfo;
import dev.walship.format.validate.ContentCheck;
import dev.walship.format.validate.SegmentContext;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;

/**
 * Where a replica ends within one generation, read from the replica itself: the end of its last
 * WAL segment (whose length needs one small download), and the mtime of its newest file, which is
 * when it last received something; and how much room its file system has left.
 *
 * @param end where the next segment would start; null when the replica holds nothing of it
 * @param lastSync the newest mtime of the generation's files, or null
 * @param usable bytes the replica's file system can still take (statvfs), or -1 when unknown
 */
record ReplicaProbe(Position end, Instant lastSync, long usable) {
  ReplicaProbe(Position end, Instant lastSync) {
    this(end, lastSync, -1);
  }

  static ReplicaProbe of(ReplicaStore store, Generation g) throws IOException {
    ReplicaProbe p = at(store, g);
    return new ReplicaProbe(p.end(), p.lastSync(), usable(store));
  }

  /** The free space, when the store can tell; a failure to ask is no failure of the probe. */
  private static long usable(ReplicaStore store) {
    try {
      return store.usableSpace().orElse(-1);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static ReplicaProbe at(ReplicaStore store, Generation g) throws IOException {
    List<SnapshotInfo> snapshots = store.snapshots(g);
    List<WalSegmentInfo> segments = store.walSegments(g);
    Instant last = null;
    for (SnapshotInfo s : snapshots) {
      last = last == null || s.created().isAfter(last) ? s.created() : last;
    }
    for (WalSegmentInfo w : segments) {
      last = last == null || w.created().isAfter(last) ? w.created() : last;
    }
    if (segments.isEmpty()) {
      return snapshots.isEmpty() ? new ReplicaProbe(null, null)
          : new ReplicaProbe(snapshots.get(snapshots.size() - 1).name().position(), last);
    }
    WalSegmentInfo tail = segments.get(segments.size() - 1);
    try (InputStream in = store.open(tail.name())) {
      long length = ContentCheck.segment(tail.name(), in, SegmentContext.UNKNOWN).decodedLength();
      return new ReplicaProbe(tail.name().position().withOffset(tail.name().offset() + length), last);
    }
  }
}
