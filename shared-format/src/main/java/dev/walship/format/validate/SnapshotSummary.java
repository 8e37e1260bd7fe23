package dev.walship.format.validate;

/**
 * What a validated snapshot holds.
 *
 * @param pageSize the database page size
 * @param pages whole pages in the file
 * @param headerPages the page count in the database header, or 0 when the header says it is stale
 */
public record SnapshotSummary(int pageSize, long pages, long headerPages) {
  /** Bytes of the decoded snapshot. */
  public long length() {
    return pages * pageSize;
  }
}
