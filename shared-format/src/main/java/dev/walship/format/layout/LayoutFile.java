package dev.walship.format.layout;

/** A file of the layout: a snapshot or a WAL segment of one generation. */
public sealed interface LayoutFile permits SnapshotName, WalSegmentName {
  /** The generation the file belongs to. */
  Generation generation();

  /** The WAL index the file belongs to. */
  int index();

  /** The file's own name, e.g. {@code 00000001.snapshot.lz4}. */
  String fileName();

  /** The directory holding it, relative to the replica root. */
  String directory();

  /** Its path relative to the replica root. */
  default String path() {
    return directory() + "/" + fileName();
  }
}
