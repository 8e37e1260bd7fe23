package dev.walship.server.fs;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Maps a user's view ({@code /} is the root) onto the host, and refuses any path that would lead
 * outside the root.
 *
 * <p>Invariant: every host path it returns is the root or lies under it after resolving every
 * symbolic link on the way, except (when {@code followFinal} is false) a final component that is
 * itself a link, which the caller then acts on without following. Clients cannot create links (the
 * policy refuses it), so only links an administrator placed can exist; a link that leads out, or
 * dangles, is refused like a path outside. Names given here are already normalized: no {@code .},
 * {@code ..} or empty components.
 */
final class Jail {
  private final Path root;

  /**
   * @param root the real (symbolic-link free, absolute) path of the user's root
   */
  Jail(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  /**
   * The real host path of {@code names} under the root.
   *
   * @param followFinal whether the operation follows a final symbolic link
   * @throws AccessDeniedException when the path leads outside the root (the reason uses only the
   *     user's view of the path)
   */
  Path resolve(List<String> names, boolean followFinal) throws IOException {
    Path host = root;
    for (String n : names) {
      host = host.resolve(n);
    }
    if (names.isEmpty()) {
      return root;
    }
    Path probe = followFinal ? host : host.getParent();
    Deque<Path> missing = new ArrayDeque<>();
    Path existing = probe;
    while (!existing.equals(root) && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      missing.push(existing.getFileName());
      existing = existing.getParent();
    }
    Path real;
    try {
      real = existing.toRealPath();
    } catch (NoSuchFileException e) {
      throw denied(names, "a symbolic link on the way dangles");
    }
    if (!real.startsWith(root)) {
      throw denied(names, "a symbolic link on the way leads outside the root");
    }
    while (!missing.isEmpty()) {
      real = real.resolve(missing.pop());
    }
    return followFinal ? real : real.resolve(host.getFileName());
  }

  /** The user's view of a real host path under the root: {@code /db/x}. */
  String view(Path real) {
    if (!real.startsWith(root)) {
      return "(outside)";
    }
    String rel = root.relativize(real).toString();
    return "/" + rel;
  }

  private static AccessDeniedException denied(List<String> names, String reason) {
    return new PolicyDeniedException("/" + String.join("/", names), reason);
  }
}
