package dev.walship.agent.verify;

import dev.walship.format.layout.Position;

/**
 * The outcome of one check of one replica.
 *
 * @param result what the check found
 * @param db the database's path
 * @param replica the replica's name
 * @param position where the comparison was made (the replica's end), or null when it was not
 * @param detail one line: what matched, what differs and in which file, or why nothing was compared
 */
public record Verdict(Result result, String db, String replica, Position position, String detail) {

  /** What a check found. */
  public enum Result {
    /** The replica restores to exactly the database's pages at {@code position}. */
    OK,
    /** The replica does not restore, or restores to other pages than the database had. */
    MISMATCH,
    /** Nothing could be compared yet (nothing captured, nothing shipped, the replica is behind). */
    SKIPPED,
    /** The check itself failed (replica unreachable, a file vanished under retention). */
    ERROR;

    /** The lower-case name, as logs, metrics and {@code verify} print it. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  @Override
  public String toString() {
    return db
        + " ["
        + replica
        + "]: validation "
        + result.label()
        + (position == null ? "" : " at " + position)
        + ": "
        + detail;
  }
}
