package dev.walship.agent.replicate;

import dev.walship.agent.capture.ShadowLog;
import dev.walship.agent.config.DbConfig;
import java.io.IOException;
import java.nio.file.Path;

/** One database's running capture engine, as replication drives it. */
interface Capture extends AutoCloseable {
  /** Starts capture for a database. */
  @FunctionalInterface
  interface Factory {
    Capture start(DbConfig db) throws IOException;
  }

  /** What the shippers read. */
  ShadowLog log();

  /**
   * Whether capture has looked at the database at least once since it started (found it missing, or
   * captured what it held), so that {@link #log()}'s end speaks for the database.
   */
  boolean started();

  /** An empty directory, on the database's file system, where snapshots are spooled. */
  Path spoolDir() throws IOException;

  /**
   * Copies what is committed now into the shadow WAL and stops following the database, so that a
   * final sync has a fixed end to ship.
   */
  void finish() throws IOException;

  /** Releases everything (connections, read marks, files). */
  @Override
  void close() throws IOException;
}
