package dev.walship.format.layout;

/**
 * Directory names of the layout and the paths built from them. Every path is relative to a replica
 * root and {@code /}-separated.
 */
public final class Layout {
  /** The top-level directory that holds every generation. */
  public static final String GENERATIONS = "generations";

  /** The per-generation directory that holds snapshots. */
  public static final String SNAPSHOTS = "snapshots";

  /** The per-generation directory that holds WAL segments. */
  public static final String WAL = "wal";

  /**
   * Suffix of a file being written: {@code <final name>.tmp}, next to its final name. Litestream
   * writes its file replicas this way and its readers skip such names.
   */
  public static final String TEMP_SUFFIX = ".tmp";

  /** Largest WAL index the layout allows (Litestream keeps indices in a signed 32-bit int). */
  public static final long MAX_INDEX = 0x7ffffffeL;

  /** Largest offset the layout can name: eight hex digits. */
  public static final long MAX_OFFSET = 0xffffffffL;

  private Layout() {}

  /** {@code generations/<gen>} */
  public static String generationDir(Generation generation) {
    return GENERATIONS + "/" + generation.name();
  }

  /** {@code generations/<gen>/snapshots} */
  public static String snapshotsDir(Generation generation) {
    return generationDir(generation) + "/" + SNAPSHOTS;
  }

  /** {@code generations/<gen>/wal} */
  public static String walDir(Generation generation) {
    return generationDir(generation) + "/" + WAL;
  }

  /** The temporary name a file of the layout is written under before it is renamed. */
  public static String tempPath(LayoutFile file) {
    return file.path() + TEMP_SUFFIX;
  }

  /**
   * Joins a root (may be empty, {@code /}-separated, no trailing slash needed) and a layout path.
   */
  public static String resolve(String root, String relativePath) {
    if (root.isEmpty() || root.equals(".")) {
      return relativePath;
    }
    return root.endsWith("/") ? root + relativePath : root + "/" + relativePath;
  }

  /** {@code dir/name}: an entry of a directory listed from a store. */
  public static String child(String dir, String name) {
    return dir.isEmpty() ? name : dir + "/" + name;
  }

  /**
   * {@code true} when {@code offset} can start a segment of a WAL with pages of {@code pageSize}.
   */
  public static boolean isFrameAligned(long offset, int pageSize) {
    return offset == 0 || (offset >= 32 && (offset - 32) % (24L + pageSize) == 0);
  }
}
