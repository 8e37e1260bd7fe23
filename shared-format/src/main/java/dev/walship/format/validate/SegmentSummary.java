package dev.walship.format.validate;

import dev.walship.format.wal.WalChecksum;
import dev.walship.format.wal.WalHeader;

/**
 * What a validated segment holds.
 *
 * @param decodedLength bytes after LZ4 decoding (header included at offset 0)
 * @param frames whole frames in the segment (0 when the header was unknown)
 * @param lastCommitEnd WAL offset just past the segment's last commit frame, or -1 when it has none
 * @param indexHeader the index's WAL header, or null when unknown
 * @param endChecksum checksum chain after the last frame, or null when the chain was unknown
 */
public record SegmentSummary(
    long offset,
    long decodedLength,
    long frames,
    long lastCommitEnd,
    WalHeader indexHeader,
    WalChecksum endChecksum) {

  /** The WAL offset just past the segment: where the next segment of the index must start. */
  public long endOffset() {
    return offset + decodedLength;
  }
}
