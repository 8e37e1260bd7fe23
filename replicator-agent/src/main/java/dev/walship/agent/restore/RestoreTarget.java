package dev.walship.agent.restore;

import dev.walship.format.layout.Generation;
import java.time.Instant;
import java.util.Locale;

/**
 * What state to restore: the newest ({@link #LATEST}), the state in force at {@code timestamp}, or
 * the end of WAL index {@code index} (inclusive); optionally within one {@code generation}. Null
 * fields are unset; {@code index} and {@code timestamp} exclude each other.
 */
public record RestoreTarget(Generation generation, Integer index, Instant timestamp) {
  /** The newest state of the replica. */
  public static final RestoreTarget LATEST = new RestoreTarget(null, null, null);

  public RestoreTarget {
    if (index != null && timestamp != null) {
      throw new IllegalArgumentException("cannot specify index & timestamp to restore");
    }
    if (index != null && index < 0) {
      throw new IllegalArgumentException("index " + index + " < 0");
    }
  }

  @Override
  public String toString() {
    String where = generation == null ? "" : " of generation " + generation;
    if (index != null) {
      return "the end of index " + String.format(Locale.ROOT, "%08x", index) + where;
    }
    if (timestamp != null) {
      return "the state at " + timestamp + where;
    }
    return "the latest state" + where;
  }
}
