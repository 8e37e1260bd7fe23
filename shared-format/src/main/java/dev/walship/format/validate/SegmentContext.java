package dev.walship.format.validate;

import dev.walship.format.wal.WalChecksum;
import dev.walship.format.wal.WalHeader;

/**
 * What is known about a segment's index before reading it: the index's WAL header (from its
 * offset-0 segment) and the checksum chain at the segment's start (the end checksum of the segment
 * before it). Either may be null when unknown; a segment at offset 0 needs neither.
 */
public record SegmentContext(WalHeader indexHeader, WalChecksum startChecksum) {
  /** Nothing known: a segment at offset > 0 is then only checked for LZ4 integrity. */
  public static final SegmentContext UNKNOWN = new SegmentContext(null, null);

  /** The context of the segment that follows one summarized as {@code previous}. */
  public static SegmentContext after(SegmentSummary previous) {
    return new SegmentContext(previous.indexHeader(), previous.endChecksum());
  }
}
