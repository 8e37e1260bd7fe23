package dev.walship.agent.restore;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Applies one WAL index to a database file: the committed frames of {@code wal} up to {@code
 * commitEnd} (just past a commit frame), already verified.
 */
public interface WalApplier {
  void apply(Path db, Path wal, long commitEnd) throws IOException;

  /** The two ways, measured against each other by {@code scripts/bench/restore}. */
  enum Mode {
    /** Write each frame's page at its offset, then set the file size of the last commit. */
    PAGES,
    /** Hand the WAL to SQLite and let its own checkpoint apply it. */
    SQLITE;

    public WalApplier applier() {
      return this == PAGES ? new PageApplier() : new SqliteCheckpointApplier();
    }
  }
}
