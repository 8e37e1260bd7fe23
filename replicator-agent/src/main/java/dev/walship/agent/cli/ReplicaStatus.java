package dev.walship.agent.cli;

import dev.walship.agent.capture.ShadowState;
import dev.walship.agent.config.DbConfig;
import dev.walship.agent.config.ReplicaConfig;
import dev.walship.format.layout.Position;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One line of {@code replicator status}.
 *
 * @param state {@code ok}, {@code catching-up} (behind, within the threshold), {@code behind}
 *     (further than the threshold, or unreachable: then {@code lastError} says why), {@code
 *     no-snapshot} (the replica holds nothing of the current generation), {@code no-space} (the
 *     replica's file system has less than {@link #NO_SPACE} bytes left: the next upload fails), or
 *     {@code idle} (nothing captured yet)
 * @param lag how much older the replica's newest data is than the database's, or null
 * @param lagBytes captured WAL bytes the replica does not have yet, or null when unknown
 */
record ReplicaStatus(
    String database, String replica, String location, String state, Position local, Position remote,
    Duration lag, Long lagBytes, Instant lastSync, String lastError) {

  /** Below this many free bytes on the replica's file system, uploads are bound to fail. */
  static final long NO_SPACE = 1 << 20;

  /** Reads one replica's end; may fail. */
  interface Probe {
    ReplicaProbe run() throws Exception;
  }

  boolean healthy() {
    return state.equals("ok") || state.equals("catching-up") || state.equals("idle");
  }

  static ReplicaStatus of(DbConfig db, ReplicaConfig r, Optional<ShadowState> shadow, Instant now,
      Duration threshold, Probe probe) {
    String dbName = db.path().toString();
    if (shadow.isEmpty() || shadow.get().end() == null) {
      return new ReplicaStatus(dbName, r.name(), r.location(), "idle", null, null, null, null, null, null);
    }
    ShadowState local = shadow.get();
    ReplicaProbe p;
    try {
      p = probe.run();
    } catch (Exception e) {
      return new ReplicaStatus(dbName, r.name(), r.location(), "behind", local.end(), null, null, null, null,
          "unreachable: " + oneLine(e));
    }
    if (p.end() == null) {
      return new ReplicaStatus(dbName, r.name(), r.location(), "no-snapshot", local.end(), null, null, null,
          null, null);
    }
    Long bytes = local.bytesAfter(p.end()).orElse(null);
    Duration lag = bytes != null && bytes == 0 ? Duration.ZERO
        : Duration.between(p.lastSync(), local.lastChange()).isNegative() ? Duration.ZERO
        : Duration.between(p.lastSync(), local.lastChange());
    String state = bytes != null && bytes == 0 ? "ok" : lag.compareTo(threshold) > 0 ? "behind" : "catching-up";
    String error = null;
    if (p.usable() >= 0 && p.usable() < NO_SPACE) {
      state = "no-space";
      error = "no space left on device: the replica's file system has " + p.usable() + " bytes free";
    }
    return new ReplicaStatus(dbName, r.name(), r.location(), state, local.end(), p.end(), lag, bytes,
        p.lastSync(), error);
  }

  private static String oneLine(Exception e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    return m.replace('\n', ' ');
  }
}
