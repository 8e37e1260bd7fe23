package dev.walship.agent.ship;

import dev.walship.agent.capture.ShadowLog;
import dev.walship.format.layout.Position;
import dev.walship.format.layout.WalSegmentName;
import dev.walship.format.store.ReplicaStore;
import dev.walship.format.validate.ContentCheck;
import dev.walship.format.validate.SegmentContext;
import dev.walship.format.validate.SegmentSummary;
import dev.walship.format.validate.ValidationException;
import dev.walship.format.wal.WalChecksum;
import dev.walship.format.wal.WalFormatException;
import dev.walship.format.wal.WalHeader;
import dev.walship.format.wal.WalReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;

/**
 * Does the last segment on a replica continue the local shadow WAL? The segment is decoded and
 * checked with {@link ContentCheck} against the WAL header and checksum chain the shadow has at the
 * segment's offset, and the chain at its end must equal the shadow's at the same offset. Only then
 * does shipping resume after it.
 *
 * <p>A transport error (the replica is down) is thrown, never taken as a mismatch: only content
 * that is provably wrong may be replaced.
 */
final class TailCheck {
  /** The outcome. */
  sealed interface Verdict {}

  /** The segment continues the shadow; the replica ends at {@code end}. */
  record Chains(Position end) implements Verdict {}

  /** The segment does not continue the shadow (or is damaged); {@code reason} says how. */
  record Mismatch(String reason) implements Verdict {}

  /** The shadow no longer holds (or never held) the segment's index: it cannot be checked. */
  record NotHeld() implements Verdict {}

  private TailCheck() {}

  static Verdict verify(ReplicaStore store, ShadowLog log, WalSegmentName tail) throws IOException {
    Position start = tail.position();
    long held;
    try {
      held = log.indexLength(tail.generation(), tail.index());
    } catch (NoSuchFileException e) {
      return new NotHeld();
    }
    if (tail.offset() > held) {
      return new Mismatch(
          "starts at offset "
              + tail.offset()
              + " but the local shadow WAL of that index ends at "
              + held);
    }
    Chain before;
    try {
      before = shadowChain(log, start.withOffset(0), tail.offset());
    } catch (WalFormatException e) {
      throw new IOException("local shadow WAL " + start + " is unreadable: " + e.getMessage(), e);
    }
    SegmentSummary summary;
    try (InputStream in = store.open(tail)) {
      summary = ContentCheck.segment(tail, in, before.context());
    } catch (ValidationException e) {
      return new Mismatch(e.getMessage());
    }
    long end = summary.endOffset();
    if (end > held) {
      return new Mismatch(
          "holds WAL bytes up to offset " + end + ", the local shadow only up to " + held);
    }
    Chain after = shadowChain(log, start.withOffset(0), end);
    if (!after.header().sameSalts(summary.indexHeader())) {
      return new Mismatch("its WAL header salts differ from the local shadow's");
    }
    if (summary.endChecksum() == null || !summary.endChecksum().equals(after.checksum())) {
      return new Mismatch(
          "checksum chain at offset "
              + end
              + " is "
              + summary.endChecksum()
              + ", the local shadow's is "
              + after.checksum());
    }
    return new Chains(start.withOffset(end));
  }

  /** Header and checksum chain of the shadow index at {@code to} (a frame boundary). */
  private record Chain(WalHeader header, WalChecksum checksum) {
    SegmentContext context() {
      return header == null ? SegmentContext.UNKNOWN : new SegmentContext(header, checksum);
    }
  }

  private static Chain shadowChain(ShadowLog log, Position indexStart, long to) throws IOException {
    if (to == 0) {
      return new Chain(null, null);
    }
    try (InputStream in = log.read(indexStart, to)) {
      WalReader r = WalReader.open(in);
      while (r.offset() < to && r.next()) {
        // advance the chain
      }
      if (r.offset() != to) {
        throw new IOException(
            "local shadow WAL "
                + indexStart
                + " holds valid frames only up to "
                + r.offset()
                + ", expected "
                + to
                + " ("
                + r.stopDetail()
                + ")");
      }
      return new Chain(r.header(), r.checksum());
    }
  }
}
