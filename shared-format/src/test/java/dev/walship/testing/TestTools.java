package dev.walship.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real tools the test suite runs against. A missing tool fails the test with the command that
 * installs it: tests never skip.
 */
public final class TestTools {
  private TestTools() {}

  /** The repository root: the nearest ancestor of the working directory holding {@code .ci/run}. */
  public static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.exists(p.resolve(".ci/run"))) {
        return p;
      }
    }
    throw new IllegalStateException(
        "no .ci/run above " + dir + ": run the tests from the repository");
  }

  /** The Litestream v0.3.13 binary installed by {@code scripts/install-test-tools}. */
  public static Path litestream() {
    String override = System.getenv("WALSHIP_LITESTREAM");
    Path p =
        override != null
            ? Path.of(override)
            : repoRoot().resolve(".tools/node_modules/@flydotio/litestream-linux-x64/litestream");
    return require(p);
  }

  /** OpenSSH's server binary. */
  public static Path sshd() {
    return require(Path.of("/usr/sbin/sshd"));
  }

  /**
   * A program on the PATH ({@code sftp}, {@code ssh}, {@code ssh-keygen}, {@code lz4}, {@code
   * sqlite3}).
   */
  public static Path onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      Path p = Path.of(dir, program);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    throw new AssertionError(
        program + " is not on the PATH; run scripts/install-test-tools (as .ci/run does)");
  }

  private static Path require(Path p) {
    if (!Files.isExecutable(p)) {
      throw new AssertionError(p + " is missing; run scripts/install-test-tools (as .ci/run does)");
    }
    return p;
  }
}
