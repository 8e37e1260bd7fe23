package dev.walship.agent.config;

import java.nio.file.Path;

/**
 * Turns a path as written in the config or on the command line into an absolute, normalized path,
 * as Litestream's {@code expand} does: {@code ~} and {@code ~/…} start at the home directory,
 * relative paths at the working directory. {@code ~user/…} is not expanded (Litestream does not
 * either): it is a relative path.
 *
 * @param home the user's home directory (Litestream takes it from the password database, as Java's
 *     {@code user.home} does, not from {@code $HOME})
 * @param workDir the directory relative paths start from
 */
public record PathExpander(Path home, Path workDir) {
  public PathExpander {
    if (!home.isAbsolute() || !workDir.isAbsolute()) {
      throw new IllegalArgumentException(
          "home and workDir must be absolute: " + home + ", " + workDir);
    }
  }

  /** The JVM's own home and working directory. */
  public static PathExpander ofSystem() {
    return new PathExpander(
        Path.of(System.getProperty("user.home")).toAbsolutePath(), Path.of("").toAbsolutePath());
  }

  /** The absolute, normalized form of {@code written}. */
  public Path expand(String written) {
    if (written.equals("~")) {
      return home.normalize();
    }
    if (written.startsWith("~/")) {
      return home.resolve(written.substring(2)).normalize();
    }
    return workDir.resolve(written).normalize();
  }
}
