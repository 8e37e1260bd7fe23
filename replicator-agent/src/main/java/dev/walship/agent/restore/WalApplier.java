package dev.walship.agent.restore;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Applies WAL indices to a database file, one at a time: the restore writes each index's verified
 * bytes (the 32-byte header, then whole frames) into the index's sink, then finishes it. Only
 * committed transactions reach the database; frames after the last commit frame are dropped.
 */
public interface WalApplier {
  /** Starts applying WAL index {@code index} to {@code db}; temporary files go to {@code work}. */
  IndexSink open(Path db, Path work, int index) throws IOException;

  /** Where one index's bytes go. */
  interface IndexSink extends Closeable {
    /**
     * Receives the index's bytes: header first, then frames, in order. Not closed by the caller.
     */
    OutputStream out();

    /** Every byte was written: apply what is committed. */
    void finish() throws IOException;

    /** Releases what the sink holds, finished or not. */
    @Override
    void close() throws IOException;
  }

  /** The two ways, measured against each other by {@code scripts/bench/restore}. */
  enum Mode {
    /** Write each committed frame's page at its offset as transactions complete; one pass. */
    PAGES,
    /** Write the index as a WAL file and let SQLite's own recovery and checkpoint apply it. */
    SQLITE;

    public WalApplier applier() {
      return this == PAGES ? new PageApplier() : new SqliteCheckpointApplier();
    }
  }
}
