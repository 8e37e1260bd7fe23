package dev.walship.format.layout;

import dev.walship.format.layout.PathClass.DirectoryKind;

/**
 * Classifies a relative, {@code /}-separated path under a replica root as a layout directory, a
 * snapshot, a WAL segment, a temporary file of the layout, or invalid with the reason.
 *
 * <p>Only the exact shapes Litestream v0.3.13 reads are valid: its reader silently skips any other
 * name, so a file that is almost right (uppercase hex, nine digits) would be a silent hole in a
 * restore. A WAL segment's offset must also be frame-aligned when the page size is known.
 */
public final class PathClassifier {
  private PathClassifier() {}

  /** Classifies {@code path} without knowing the database page size. */
  public static PathClass classify(String path) {
    return classify(path, 0);
  }

  /**
   * Classifies {@code path}; when {@code pageSize > 0} a WAL segment's offset must be 0 or {@code
   * 32 + k * (24 + pageSize)}.
   */
  public static PathClass classify(String path, int pageSize) {
    String problem = syntaxProblem(path);
    if (problem != null) {
      return new PathClass.Invalid(path, problem);
    }
    String[] parts = path.split("/", -1);
    if (!parts[0].equals(Layout.GENERATIONS)) {
      return new PathClass.Invalid(
          path, "outside the layout: the first component must be '" + Layout.GENERATIONS + "'");
    }
    if (parts.length == 1) {
      return new PathClass.Directory(path, DirectoryKind.GENERATIONS, null);
    }
    if (parts.length > 4) {
      return new PathClass.Invalid(
          path, "extra components: a layout path has at most 4, this one has " + parts.length);
    }
    try {
      Generation generation = Generation.parse(parts[1]);
      if (parts.length == 2) {
        return new PathClass.Directory(path, DirectoryKind.GENERATION, generation);
      }
      String dir = parts[2];
      if (!dir.equals(Layout.SNAPSHOTS) && !dir.equals(Layout.WAL)) {
        return new PathClass.Invalid(
            path, "unknown directory '" + dir + "' in a generation (expected snapshots or wal)");
      }
      boolean snapshots = dir.equals(Layout.SNAPSHOTS);
      if (parts.length == 3) {
        return new PathClass.Directory(
            path, snapshots ? DirectoryKind.SNAPSHOTS : DirectoryKind.WAL, generation);
      }
      return classifyFile(path, generation, snapshots, parts[3], pageSize);
    } catch (InvalidNameException e) {
      return new PathClass.Invalid(path, e.getMessage());
    }
  }

  private static PathClass classifyFile(
      String path, Generation generation, boolean snapshots, String fileName, int pageSize) {
    boolean temporary = fileName.endsWith(Layout.TEMP_SUFFIX);
    String finalName =
        temporary
            ? fileName.substring(0, fileName.length() - Layout.TEMP_SUFFIX.length())
            : fileName;
    LayoutFile file;
    if (snapshots) {
      file = SnapshotName.parse(generation, finalName);
    } else {
      WalSegmentName segment = WalSegmentName.parse(generation, finalName);
      if (pageSize > 0 && !Layout.isFrameAligned(segment.offset(), pageSize)) {
        return new PathClass.Invalid(
            path,
            "offset 0x"
                + Long.toHexString(segment.offset())
                + " is not frame-aligned for page size "
                + pageSize
                + " (expected 0 or 32 + k*"
                + (24 + pageSize)
                + ")");
      }
      file = segment;
    }
    if (temporary) {
      return new PathClass.Temporary(path, file);
    }
    return file instanceof SnapshotName s
        ? new PathClass.Snapshot(path, s)
        : new PathClass.WalSegment(path, (WalSegmentName) file);
  }

  /** The first problem with the path's syntax, or null. */
  private static String syntaxProblem(String path) {
    if (path.isEmpty()) {
      return "empty path";
    }
    if (path.startsWith("/")) {
      return "absolute path: paths are relative to the replica root";
    }
    if (path.indexOf('\\') >= 0) {
      return "backslash in path";
    }
    if (path.indexOf('\0') >= 0) {
      return "NUL byte in path";
    }
    for (String part : path.split("/", -1)) {
      if (part.equals("..")) {
        return "'..' component";
      }
      if (part.equals(".")) {
        return "'.' component";
      }
      if (part.isEmpty()) {
        return "empty component (double or trailing '/')";
      }
    }
    return null;
  }
}
