package dev.walship.format.wal;

/** Why a frame is not part of the WAL's valid prefix. */
public record FrameProblem(Kind kind, String detail) {
  /** The failed check. */
  public enum Kind {
    /** The frame's salts are not the header's: a frame of another WAL cycle. */
    SALT,
    /** The cumulative checksum does not verify: damaged, or never completely written. */
    CHECKSUM,
    /** Page number 0, which no frame has. */
    PAGE_NUMBER
  }

  @Override
  public String toString() {
    return detail;
  }
}
