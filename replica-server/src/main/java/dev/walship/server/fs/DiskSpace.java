package dev.walship.server.fs;

import dev.walship.server.audit.LogText;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Names a full disk: a failed write whose cause is ENOSPC becomes {@link StorageRefusal#noSpace()}
 * (the client reads "no space left on device"), and the log gets one warning per episode and file
 * system, with the path and the free space; the episode ends with the first write that succeeds
 * there again (one more line). Shared by every user and session.
 */
final class DiskSpace {
  private static final Logger LOG = LoggerFactory.getLogger(DiskSpace.class);

  /**
   * Below this many usable bytes a failed write counts as a full disk, whatever its message says.
   */
  private static final long NEARLY_FULL = 64 * 1024;

  /** File systems in an episode, with the path that started it. */
  private final Map<FileStore, Path> full = new ConcurrentHashMap<>();

  /**
   * What to throw for {@code e}, a failure to write under {@code dir} (an existing directory):
   * {@link StorageRefusal#noSpace()} when the disk is full, else {@code e}.
   */
  IOException failed(IOException e, Path dir, Path file) {
    if (e instanceof StorageRefusal) {
      return e;
    }
    FileStore store;
    long usable;
    try {
      store = Files.getFileStore(dir);
      usable = store.getUsableSpace();
    } catch (IOException unknown) {
      return e;
    }
    boolean enospc = e.getMessage() != null && e.getMessage().contains("No space left on device");
    if (!enospc && usable >= NEARLY_FULL) {
      return e;
    }
    if (full.putIfAbsent(store, file) == null) {
      LOG.warn(
          "disk full: cannot write {}: no space left on device ({} bytes free on {})",
          LogText.field(file),
          usable,
          LogText.field(store));
    }
    return StorageRefusal.noSpace();
  }

  /** A write under {@code dir} succeeded: ends an episode there. */
  void wrote(Path dir) {
    if (full.isEmpty()) {
      return;
    }
    try {
      FileStore store = Files.getFileStore(dir);
      Path started = full.remove(store);
      if (started != null) {
        LOG.info(
            "disk has room again: {} bytes free on {}",
            store.getUsableSpace(),
            LogText.field(store));
      }
    } catch (IOException e) {
      // the next failure or success decides
    }
  }
}
