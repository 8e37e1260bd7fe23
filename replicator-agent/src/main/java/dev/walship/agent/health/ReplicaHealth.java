package dev.walship.agent.health;

import dev.walship.agent.capture.ShadowState;
import dev.walship.agent.config.DbConfig;
import dev.walship.agent.config.ReplicaConfig;
import dev.walship.format.catalog.ReplicaEnd;
import dev.walship.format.layout.Position;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How one replica of a database stands against what capture holds locally: the rules behind {@code
 * replicator status} (which prints these, as a table or JSON, and exits 1 unless every replica is
 * {@link #healthy()}).
 *
 * @param state {@code ok}, {@code catching-up} (behind, within the threshold), {@code behind}
 *     (further than the threshold, or unreachable: then {@code lastError} says why), {@code
 *     no-snapshot} (the replica holds nothing of the current generation), {@code no-space} (the
 *     replica's file system has less than {@link #NO_SPACE} bytes left: the next upload fails),
 *     {@code failing} (the running agent's attempts fail while the replica lacks something), or
 *     {@code idle} (nothing captured yet)
 * @param lag how much older the replica's newest data is than the database's, or null
 * @param lagBytes captured WAL bytes the replica does not have yet, or null when unknown
 */
public record ReplicaHealth(
    String database,
    String replica,
    String location,
    String state,
    Position local,
    Position remote,
    Duration lag,
    Long lagBytes,
    Instant lastSync,
    String lastError) {

  /** Below this many free bytes on the replica's file system, uploads are bound to fail. */
  public static final long NO_SPACE = 1 << 20;

  /** Reads where the replica ends, from the replica itself; may fail (unreachable). */
  public interface Probe {
    ReplicaEnd run() throws Exception;
  }

  /**
   * This assessment, knowing the replica's file system has {@code usable} bytes free (-1: unknown):
   * below {@link #NO_SPACE}, the state is {@code no-space} and the last error says so.
   */
  public ReplicaHealth withUsableSpace(long usable) {
    if (usable < 0
        || usable >= NO_SPACE
        || state.equals("idle")
        || remote == null && lastError != null) {
      return this;
    }
    return new ReplicaHealth(
        database,
        replica,
        location,
        "no-space",
        local,
        remote,
        lag,
        lagBytes,
        lastSync,
        "no space left on device: the replica's file system has " + usable + " bytes free");
  }

  /**
   * This assessment, knowing what the running agent reports: while its attempts fail, the last
   * error carries the agent's (with since when and how many attempts), after status's own when it
   * has one, and {@code catching-up} or {@code idle} becomes {@code failing} ({@code ok}: the
   * replica holds everything captured, stays).
   */
  public ReplicaHealth withAgent(AgentState agent) {
    if (!agent.failing()) {
      return this;
    }
    String report =
        "the running agent, pid "
            + agent.pid()
            + ": "
            + agent.attempts()
            + (agent.attempts() == 1 ? " attempt" : " attempts")
            + " failed"
            + (agent.since() == null
                ? ""
                : " since " + agent.since().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    String error =
        lastError == null
            ? agent.lastError() + " (" + report + ")"
            : lastError + "; " + report + ": " + agent.lastError();
    // a replica that holds everything captured stays ok (the agent may fail at something else, or
    // its report may predate the upload that just caught up); one that lacks something is failing
    String next = state.equals("catching-up") || state.equals("idle") ? "failing" : state;
    return new ReplicaHealth(
        database, replica, location, next, local, remote, lag, lagBytes, lastSync, error);
  }

  /** {@code ok}, {@code catching-up} or {@code idle}: nothing an operator must act on. */
  public boolean healthy() {
    return state.equals("ok") || state.equals("catching-up") || state.equals("idle");
  }

  /**
   * Assesses replica {@code r} of {@code db}.
   *
   * @param shadow what capture holds (empty: nothing captured yet)
   * @param threshold a replica further behind than this is {@code behind}
   */
  public static ReplicaHealth of(
      DbConfig db,
      ReplicaConfig r,
      Optional<ShadowState> shadow,
      Instant now,
      Duration threshold,
      Probe probe) {
    String dbName = db.path().toString();
    if (shadow.isEmpty() || shadow.get().end() == null) {
      return new ReplicaHealth(
          dbName, r.name(), r.location(), "idle", null, null, null, null, null, null);
    }
    ShadowState local = shadow.get();
    ReplicaEnd p;
    try {
      p = probe.run();
    } catch (Exception e) {
      return new ReplicaHealth(
          dbName,
          r.name(),
          r.location(),
          "behind",
          local.end(),
          null,
          null,
          null,
          null,
          "unreachable: " + oneLine(e));
    }
    if (p.end() == null) {
      return new ReplicaHealth(
          dbName, r.name(), r.location(), "no-snapshot", local.end(), null, null, null, null, null);
    }
    Long bytes = local.bytesAfter(p.end()).orElse(null);
    Duration lag =
        bytes != null && bytes == 0
            ? Duration.ZERO
            : Duration.between(p.lastWrite(), local.lastChange()).isNegative()
                ? Duration.ZERO
                : Duration.between(p.lastWrite(), local.lastChange());
    String state =
        bytes != null && bytes == 0
            ? "ok"
            : lag.compareTo(threshold) > 0 ? "behind" : "catching-up";
    return new ReplicaHealth(
        dbName,
        r.name(),
        r.location(),
        state,
        local.end(),
        p.end(),
        lag,
        bytes,
        p.lastWrite(),
        null);
  }

  private static String oneLine(Exception e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    return m.replace('\n', ' ');
  }
}
