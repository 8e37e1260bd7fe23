package dev.walship.format.catalog;

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
 * Where a replica ends within one generation, read from the replica itself: the end of its last WAL
 * segment (whose decoded length needs one small download), or the start of its newest snapshot's
 * index when no segment follows; and the newest mtime of the generation's files, which is when it
 * last received something.
 *
 * @param end where the next segment would start; null when the replica holds nothing of it
 * @param lastWrite the newest mtime of the generation's files, or null
 */
public record ReplicaEnd(Position end, Instant lastWrite) {
  /** Reads where {@code generation} ends in {@code store}. */
  public static ReplicaEnd of(ReplicaStore store, GenerationFiles generation) throws IOException {
    List<WalSegmentInfo> segments = generation.segments();
    Instant last = generation.updatedAt();
    if (segments.isEmpty()) {
      return generation
          .newestSnapshot()
          .map((SnapshotInfo s) -> new ReplicaEnd(s.name().position(), last))
          .orElse(new ReplicaEnd(null, null));
    }
    WalSegmentInfo tail = segments.get(segments.size() - 1);
    try (InputStream in = store.open(tail.name())) {
      long length = ContentCheck.segment(tail.name(), in, SegmentContext.UNKNOWN).decodedLength();
      return new ReplicaEnd(tail.name().position().withOffset(tail.name().offset() + length), last);
    }
  }
}
