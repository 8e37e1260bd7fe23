package dev.walship.format.layout;

/**
 * {@code generations/<gen>/wal/<%08x index>_<%08x offset>.wal.lz4}: the bytes {@code [offset,
 * offset + n)} of WAL index {@code index}. Segments order by (index, offset), the order restore
 * applies them in.
 */
public record WalSegmentName(Generation generation, int index, long offset)
    implements LayoutFile, Comparable<WalSegmentName> {
  /** The suffix that follows {@code <index>_<offset>}. */
  public static final String SUFFIX = ".wal.lz4";

  public WalSegmentName {
    if (generation == null) {
      throw new NullPointerException("generation");
    }
    if (index < 0 || index > Layout.MAX_INDEX) {
      throw new IllegalArgumentException("WAL index " + index + " outside 0.." + Layout.MAX_INDEX);
    }
    if (offset < 0 || offset > Layout.MAX_OFFSET) {
      throw new IllegalArgumentException(
          "WAL offset " + offset + " outside 0..0x" + Long.toHexString(Layout.MAX_OFFSET));
    }
  }

  /** The segment that starts at {@code position}. */
  public static WalSegmentName at(Position position) {
    return new WalSegmentName(position.generation(), position.index(), position.offset());
  }

  /**
   * Parses a segment file name such as {@code 00000001_00001038.wal.lz4}.
   *
   * @throws InvalidNameException with the reason, e.g. uppercase hex or wrong width
   */
  public static WalSegmentName parse(Generation generation, String fileName) {
    if (!fileName.endsWith(SUFFIX)) {
      throw new InvalidNameException(
          fileName, "unknown extension: a WAL segment name ends with " + SUFFIX);
    }
    String stem = fileName.substring(0, fileName.length() - SUFFIX.length());
    int sep = stem.indexOf('_');
    if (sep < 0) {
      throw new InvalidNameException(
          fileName, "missing '_': a WAL segment is named <index>_<offset>" + SUFFIX);
    }
    long index = Hex.parse(stem.substring(0, sep), 8, fileName, "index");
    long offset = Hex.parse(stem.substring(sep + 1), 8, fileName, "offset");
    SnapshotName.checkIndex(fileName, index);
    return new WalSegmentName(generation, (int) index, offset);
  }

  @Override
  public String fileName() {
    return Hex.format(index, 8) + "_" + Hex.format(offset, 8) + SUFFIX;
  }

  /** {@code <index>_<offset>}, the short form errors use. */
  public String shortName() {
    return Hex.format(index, 8) + "_" + Hex.format(offset, 8);
  }

  @Override
  public String directory() {
    return Layout.walDir(generation);
  }

  /** Where the segment starts. */
  public Position position() {
    return new Position(generation, index, offset);
  }

  @Override
  public int compareTo(WalSegmentName o) {
    return position().compareTo(o.position());
  }

  @Override
  public String toString() {
    return path();
  }
}
