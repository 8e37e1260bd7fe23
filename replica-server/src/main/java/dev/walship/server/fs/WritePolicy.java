package dev.walship.server.fs;

import dev.walship.format.layout.Layout;
import dev.walship.format.layout.PathClass;
import dev.walship.format.layout.PathClassifier;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Where a user may write, on real host paths under its root.
 *
 * <p>Rules: every change happens strictly inside one of the writable directories (never on the
 * directory itself). Below the first component named {@code generations}, the path from that
 * component on must be a path of the replica layout, as shared-format's {@link PathClassifier}
 * says: directories of the layout for {@code mkdir}, snapshots, segments or their {@code .tmp}
 * files for files; and no directory may be moved into such a tree (its content would escape the
 * check). No new name may hold a control character (they only serve to confuse logs and terminals).
 * Removing and changing attributes is allowed anywhere strictly inside a writable directory. Each
 * method returns null when allowed, else the reason in the user's view.
 */
final class WritePolicy {
  private final Jail jail;
  private final List<Path> writable;

  /**
   * @param writable real paths of the writable directories, under the jail's root
   */
  WritePolicy(Jail jail, List<Path> writable) {
    this.jail = jail;
    this.writable = List.copyOf(writable);
  }

  /** Opening {@code real} for writing, creating it if needed. */
  String openForWrite(Path real) {
    String r = newName(real);
    if (r != null) {
      return r;
    }
    PathClass pc = layoutClass(real);
    if (pc == null
        || pc instanceof PathClass.Snapshot
        || pc instanceof PathClass.WalSegment
        || pc instanceof PathClass.Temporary) {
      return null;
    }
    return notAFile(pc);
  }

  /** Creating directory {@code real}. */
  String createDirectory(Path real) {
    String r = newName(real);
    if (r != null) {
      return r;
    }
    PathClass pc = layoutClass(real);
    if (pc == null || pc instanceof PathClass.Directory) {
      return null;
    }
    return pc instanceof PathClass.Invalid inv
        ? "not a path of the replica layout: " + inv.reason()
        : "a file name of the replica layout cannot be a directory";
  }

  /** Removing {@code real}, or changing its attributes. */
  String modify(Path real) {
    return inside(real);
  }

  /** Renaming {@code source} (a directory when {@code directory}) to {@code target}. */
  String move(Path source, Path target, boolean directory) {
    String r = inside(source);
    if (r == null) {
      r = newName(target);
    }
    if (r != null) {
      return r;
    }
    if (directory) {
      return layoutRelative(target) == null
          ? null
          : "a directory cannot be moved into a replica tree (under 'generations')";
    }
    return openForWrite(target);
  }

  /**
   * How the layout classifies {@code real}: null when it is not under a {@code generations}
   * directory, else the class of the path from that directory on.
   */
  PathClass layoutClass(Path real) {
    String rel = layoutRelative(real);
    return rel == null ? null : PathClassifier.classify(rel);
  }

  /** The path from the first {@code generations} component on, or null. */
  private String layoutRelative(Path real) {
    Path rel = jail.root().relativize(real);
    for (int i = 0; i < rel.getNameCount(); i++) {
      if (rel.getName(i).toString().equals(Layout.GENERATIONS)) {
        return rel.subpath(i, rel.getNameCount()).toString();
      }
    }
    return null;
  }

  /** Where a new name may appear: inside a writable directory, without control characters. */
  private String newName(Path real) {
    String r = inside(real);
    if (r == null && real.getFileName().toString().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      r = "names with control characters are refused";
    }
    return r;
  }

  private String inside(Path real) {
    for (Path w : writable) {
      if (real.startsWith(w) && !real.equals(w)) {
        return null;
      }
    }
    String dirs = writable.stream().map(jail::view).collect(Collectors.joining(", "));
    return "outside the writable directories (" + (dirs.isEmpty() ? "none" : dirs) + ")";
  }

  private static String notAFile(PathClass pc) {
    return pc instanceof PathClass.Invalid inv
        ? "not a path of the replica layout: " + inv.reason()
        : "a directory of the replica layout cannot be a file";
  }
}
