package dev.walship.format.layout;

/** What a relative path under a replica root is, as {@link PathClassifier} sees it. */
public sealed interface PathClass {
  /** The path that was classified. */
  String path();

  /** {@code true} for everything but {@link Invalid}. */
  default boolean isValid() {
    return !(this instanceof Invalid);
  }

  /** The kinds of directory the layout has. */
  enum DirectoryKind {
    /** {@code generations} */
    GENERATIONS,
    /** {@code generations/<gen>} */
    GENERATION,
    /** {@code generations/<gen>/snapshots} */
    SNAPSHOTS,
    /** {@code generations/<gen>/wal} */
    WAL
  }

  /**
   * A directory of the layout; {@code generation} is null for {@link DirectoryKind#GENERATIONS}.
   */
  record Directory(String path, DirectoryKind kind, Generation generation) implements PathClass {}

  /** A snapshot under its final name. */
  record Snapshot(String path, SnapshotName name) implements PathClass {}

  /** A WAL segment under its final name. */
  record WalSegment(String path, WalSegmentName name) implements PathClass {}

  /** {@code <final name>.tmp}: a file of the layout while it is being written. */
  record Temporary(String path, LayoutFile target) implements PathClass {}

  /** Not a path of the layout; {@code reason} says why. */
  record Invalid(String path, String reason) implements PathClass {}
}
