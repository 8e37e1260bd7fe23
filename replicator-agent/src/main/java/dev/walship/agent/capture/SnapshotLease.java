package dev.walship.agent.capture;

import dev.walship.format.layout.SnapshotName;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * A snapshot being taken: its name (generation and the index it belongs to) and the database file's
 * bytes. Closing releases what keeps the index current.
 */
public interface SnapshotLease extends Closeable {
  /** Which snapshot this is. */
  SnapshotName name();

  /** The database file, byte 0 to EOF, uncompressed. Read it once, before closing the lease. */
  InputStream database() throws IOException;

  @Override
  void close() throws IOException;
}
