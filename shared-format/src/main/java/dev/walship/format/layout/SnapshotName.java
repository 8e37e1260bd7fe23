package dev.walship.format.layout;

/**
 * {@code generations/<gen>/snapshots/<%08x index>.snapshot.lz4}: the whole database file as it was
 * when WAL index {@code index} was current. Snapshots of one generation order by index.
 */
public record SnapshotName(Generation generation, int index)
    implements LayoutFile, Comparable<SnapshotName> {
  /** The suffix that follows the index. */
  public static final String SUFFIX = ".snapshot.lz4";

  public SnapshotName {
    if (generation == null) {
      throw new NullPointerException("generation");
    }
    if (index < 0 || index > Layout.MAX_INDEX) {
      throw new IllegalArgumentException(
          "snapshot index " + index + " outside 0.." + Layout.MAX_INDEX);
    }
  }

  /**
   * Parses a snapshot file name such as {@code 0000000a.snapshot.lz4}.
   *
   * @throws InvalidNameException with the reason, e.g. uppercase hex or wrong width
   */
  public static SnapshotName parse(Generation generation, String fileName) {
    if (!fileName.endsWith(SUFFIX)) {
      throw new InvalidNameException(
          fileName, "unknown extension: a snapshot name ends with " + SUFFIX);
    }
    String digits = fileName.substring(0, fileName.length() - SUFFIX.length());
    long index = Hex.parse(digits, 8, fileName, "index");
    checkIndex(fileName, index);
    return new SnapshotName(generation, (int) index);
  }

  static void checkIndex(String name, long index) {
    if (index > Layout.MAX_INDEX) {
      throw new InvalidNameException(
          name,
          "index 0x" + Long.toHexString(index) + " >= 0x7fffffff (Litestream cannot read it)");
    }
  }

  @Override
  public String fileName() {
    return Hex.format(index, 8) + SUFFIX;
  }

  @Override
  public String directory() {
    return Layout.snapshotsDir(generation);
  }

  /** The position the snapshot stands for: the start of its index. */
  public Position position() {
    return new Position(generation, index, 0);
  }

  @Override
  public int compareTo(SnapshotName o) {
    int c = generation.compareTo(o.generation);
    return c != 0 ? c : Integer.compare(index, o.index);
  }

  @Override
  public String toString() {
    return path();
  }
}
