package dev.walship.agent.ship;

import java.time.Instant;
import java.time.InstantSource;

/**
 * The mtimes one replica's files get: the clock's time, but strictly increasing per replica. When
 * the clock goes backwards, or two files would share a millisecond, the next file gets the last
 * mtime plus 1 ms. Litestream chooses the generation, the snapshot and the point-in-time cut by
 * mtime, so a file written later must never look older. Seeded with the newest mtime found on the
 * replica, so it stays monotonic across restarts.
 */
final class MtimeClock {
  private final InstantSource clock;
  private long lastMillis = Long.MIN_VALUE;

  MtimeClock(InstantSource clock) {
    this.clock = clock;
  }

  /** The mtime for the next file. */
  synchronized Instant next() {
    long now = clock.millis();
    long t = lastMillis == Long.MIN_VALUE ? now : Math.max(now, lastMillis + 1);
    lastMillis = t;
    return Instant.ofEpochMilli(t);
  }

  /**
   * The mtime for the first file of a new generation: also in a later whole second than every file
   * before it. SFTP (v3) keeps mtimes in whole seconds, and Litestream picks the generation whose
   * newest file is newest: a tie could make it restore the old generation.
   */
  synchronized Instant nextInNewSecond() {
    long now = clock.millis();
    long t =
        lastMillis == Long.MIN_VALUE
            ? now
            : Math.max(now, Math.floorDiv(lastMillis, 1000) * 1000 + 1000);
    lastMillis = t;
    return Instant.ofEpochMilli(t);
  }

  /** A file on the replica has mtime {@code existing}: later files must be newer. */
  synchronized void observe(Instant existing) {
    lastMillis = Math.max(lastMillis, existing.toEpochMilli());
  }
}
