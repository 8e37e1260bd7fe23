package dev.walship.agent.capture;

import dev.walship.format.layout.Position;
import java.time.Duration;

/**
 * How far capture's read mark trails the captured end, and when it should move (a handoff).
 *
 * <p>Design note. The mark exists so that nobody but capture can restart the WAL ({@link Engine},
 * invariant 2); a mark at any frame of the current cycle does that. Moving it forward only lets the
 * application's PASSIVE checkpoints copy further (docs/design.md §3). A handoff costs a read
 * transaction begun and one ended, and another look at the WAL, so capture no longer makes one per
 * capture cycle but when the mark trails the end by {@code frames} frames (a fraction of the
 * restart threshold: what the application's checkpoints cannot copy yet is at most that much, and
 * capture's own restart copies it under the write lock), or by any frame for {@code age}. Capture's
 * restart moves the mark to the end itself ({@link LockSteps#restart}).
 */
final class MarkLag {
  private final int frames;
  private final long ageNanos;
  private Position at;
  private long since;

  /**
   * @param frames frames the mark may trail the end before a handoff is due
   * @param age longest time the mark trails the end by any frame
   */
  MarkLag(int frames, Duration age) {
    if (frames < 1) {
      throw new IllegalArgumentException("frames must be at least 1, got " + frames);
    }
    this.frames = frames;
    this.ageNanos = age.toNanos();
  }

  /** The mark was taken with everything up to {@code end} captured ({@code nanos}: now). */
  void moved(Position end, long nanos) {
    at = end;
    since = nanos;
  }

  /** The mark's position is unknown (a new mark before any capture, or none). */
  void forget() {
    at = null;
  }

  /**
   * True when a handoff is due for the captured end {@code end}, whose index has frames of {@code
   * frameSize} bytes; {@code nanos}: now.
   */
  boolean due(Position end, int frameSize, long nanos) {
    return untilDue(end, frameSize, nanos) == 0;
  }

  /**
   * Nanoseconds until a handoff is due for {@code end} if nothing else is captured: 0 when it is
   * due now, {@link Long#MAX_VALUE} when time alone never makes it due (the mark is at the end).
   */
  long untilDue(Position end, int frameSize, long nanos) {
    if (end == null) {
      return Long.MAX_VALUE;
    }
    if (at == null || !at.generation().equals(end.generation()) || at.index() != end.index()) {
      return 0;
    }
    long behind = end.offset() - at.offset();
    if (behind >= (long) frames * frameSize) {
      return 0;
    }
    return behind > 0 ? Math.max(0, since + ageNanos - nanos) : Long.MAX_VALUE;
  }
}
