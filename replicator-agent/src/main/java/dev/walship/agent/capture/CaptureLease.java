package dev.walship.agent.capture;

import dev.walship.format.layout.SnapshotName;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A snapshot being taken. Its own read transaction (begun before capture copied up to it) keeps
 * checkpoints from copying anything newer into the database file while the file is read, and
 * capture makes no WAL restart while a lease is open, so the index stays current.
 */
final class CaptureLease implements SnapshotLease {
  private final SnapshotName name;
  private final DatabaseFile file;
  private final Connection reader;
  private final Runnable released;
  private boolean streamed;
  private boolean closed;

  CaptureLease(SnapshotName name, DatabaseFile file, Connection reader, Runnable released) {
    this.name = name;
    this.file = file;
    this.reader = reader;
    this.released = released;
  }

  @Override
  public SnapshotName name() {
    return name;
  }

  @Override
  public synchronized InputStream database() throws IOException {
    if (closed) {
      throw new IOException("snapshot lease " + name + " is closed");
    }
    if (streamed) {
      throw new IOException("the database of snapshot lease " + name + " was already read");
    }
    streamed = true;
    return file.stream(file.size());
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      reader.close();
    } catch (SQLException e) {
      throw new IOException("closing the read transaction of snapshot " + name, e);
    } finally {
      file.close();
      released.run();
    }
  }
}
