package dev.walship.agent.s3;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Object keys of one replica, built as Litestream v0.3.13 builds them: {@code path.Join(root,
 * "generations", …)} in Go, so the root is cleaned ({@code a//b/} → {@code a/b}, {@code .} and
 * {@code ..} resolved) and a leading slash is kept ({@code path: /db} gives keys {@code
 * /db/generations/…}, which is what Litestream writes for it).
 */
public final class S3Keys {
  private final String root;

  /**
   * @param root the replica's {@code path} as configured (may be empty)
   */
  S3Keys(String root) {
    String clean = clean(root);
    this.root = clean.equals(".") ? "" : clean;
  }

  /** The key of a layout path ({@code generations/<g>/wal/<name>}). */
  String key(String relative) {
    return clean(root.isEmpty() ? relative : root + "/" + relative);
  }

  /**
   * The prefix that lists directory {@code relative}'s entries: its key and a slash, as Litestream
   * lists {@code generations/} (the root itself: "" or {@code <root>/}).
   */
  String prefix(String relative) {
    if (relative.isEmpty()) {
      return root.isEmpty() || root.equals("/") ? root : root + "/";
    }
    String k = key(relative);
    return k.equals("/") ? k : k + "/";
  }

  /** Go's {@code path.Clean}: the shortest path naming the same file, "." when empty. */
  public static String clean(String path) {
    boolean rooted = path.startsWith("/");
    Deque<String> parts = new ArrayDeque<>();
    for (String p : path.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        if (!parts.isEmpty() && !parts.peekLast().equals("..")) {
          parts.removeLast();
        } else if (!rooted) {
          parts.addLast("..");
        }
        continue;
      }
      parts.addLast(p);
    }
    String joined = String.join("/", parts);
    if (rooted) {
      return "/" + joined;
    }
    return joined.isEmpty() ? "." : joined;
  }
}
