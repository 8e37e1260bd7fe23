package dev.walship.testing;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A small tmpfs mounted on a test's directory: a real file system that really fills up (ENOSPC),
 * for tests of a full disk. Needs root (the test suite runs as root); unmounted on close.
 *
 * <pre>{@code
 * try (Tmpfs disk = Tmpfs.mount(dir, 2 << 20)) { ... }   // 2 MiB
 * }</pre>
 */
public final class Tmpfs implements AutoCloseable {
  private final Path dir;

  private Tmpfs(Path dir) {
    this.dir = dir;
  }

  /** Mounts a tmpfs of {@code bytes} on existing directory {@code dir}. */
  public static Tmpfs mount(Path dir, long bytes) {
    Proc.run(
            Duration.ofSeconds(20),
            "mount",
            "-t",
            "tmpfs",
            "-o",
            "size=" + bytes + ",mode=0755",
            "tmpfs",
            dir.toString())
        .orThrow();
    return new Tmpfs(dir);
  }

  @Override
  public void close() {
    Proc.Result r = Proc.run(Duration.ofSeconds(20), "umount", dir.toString());
    if (r.exit() != 0) {
      Proc.run(Duration.ofSeconds(20), "umount", "-l", dir.toString()).orThrow();
    }
  }
}
