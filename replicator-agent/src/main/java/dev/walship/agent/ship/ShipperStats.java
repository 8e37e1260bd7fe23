package dev.walship.agent.ship;

import dev.walship.format.layout.Position;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one shipper has done, for metrics and tests. Written by the shipper's thread, read by any
 * thread; each value is individually consistent.
 */
public final class ShipperStats {
  private volatile Position replicaPosition;
  private volatile Instant lastSync;
  private volatile Instant behindSince;
  private volatile String lastError;
  private volatile Instant failingSince;
  private volatile int failedAttempts;
  private final AtomicLong walBytes = new AtomicLong();
  private final AtomicLong uploadedBytes = new AtomicLong();
  private final AtomicLong segments = new AtomicLong();
  private final AtomicLong snapshots = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong retentionDeletes = new AtomicLong();

  /** Where the replica ends: the next segment starts here. Null while unknown. */
  public Position replicaPosition() {
    return replicaPosition;
  }

  /** When the replica last received a file, or null. */
  public Instant lastSync() {
    return lastSync;
  }

  /**
   * Since when the replica has been behind the shadow WAL without catching up; null when caught up.
   */
  public Instant behindSince() {
    return behindSince;
  }

  /** The last error's message, or null. */
  public String lastError() {
    return lastError;
  }

  /**
   * Since when every attempt has failed (the first failure of the current run), or null when the
   * last one succeeded.
   */
  public Instant failingSince() {
    return failingSince;
  }

  /** Failed attempts in a row (0 when the last attempt succeeded or there was nothing to do). */
  public int failedAttempts() {
    return failedAttempts;
  }

  /** Uncompressed WAL bytes shipped. */
  public long walBytes() {
    return walBytes.get();
  }

  /** Compressed bytes uploaded (segments and snapshots). */
  public long uploadedBytes() {
    return uploadedBytes.get();
  }

  /** WAL segments written. */
  public long segments() {
    return segments.get();
  }

  /** Snapshots written. */
  public long snapshots() {
    return snapshots.get();
  }

  /** Failed attempts (uploads, listings, snapshots, retention). */
  public long errors() {
    return errors.get();
  }

  /** Files and generations retention deleted. */
  public long retentionDeletes() {
    return retentionDeletes.get();
  }

  /** Files written and deleted so far: changes whenever the shipper got something done. */
  long progress() {
    return segments.get() + snapshots.get() + retentionDeletes.get();
  }

  void position(Position p) {
    replicaPosition = p;
  }

  void segment(long wal, long uploaded, Instant at) {
    walBytes.addAndGet(wal);
    uploadedBytes.addAndGet(uploaded);
    segments.incrementAndGet();
    lastSync = at;
  }

  void snapshot(long uploaded, Instant at) {
    uploadedBytes.addAndGet(uploaded);
    snapshots.incrementAndGet();
    lastSync = at;
  }

  void error(String message, Instant at) {
    errors.incrementAndGet();
    lastError = message;
    if (failedAttempts == 0) {
      failingSince = at;
    }
    failedAttempts++;
  }

  /** A run of failures ended (something was done, or there was nothing to do). */
  void recovered() {
    if (failedAttempts != 0) {
      failedAttempts = 0;
      failingSince = null;
    }
  }

  void deleted(int n) {
    retentionDeletes.addAndGet(n);
  }

  void behind(Instant since) {
    behindSince = since;
  }
}
