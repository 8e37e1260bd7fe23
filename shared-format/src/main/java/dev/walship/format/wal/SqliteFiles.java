package dev.walship.format.wal;

import java.nio.file.Path;

/**
 * The files SQLite keeps beside a database in WAL mode, named as SQLite names them: {@code
 * <db>-wal} (the write-ahead log this package reads) and {@code <db>-shm} (its shared-memory
 * index). The one place these names are built.
 */
public final class SqliteFiles {
  private SqliteFiles() {}

  /** {@code <db>-wal}, beside the database. */
  public static Path wal(Path db) {
    return db.resolveSibling(walName(db.getFileName().toString()));
  }

  /** {@code <db>-shm}, beside the database. */
  public static Path shm(Path db) {
    return db.resolveSibling(db.getFileName() + "-shm");
  }

  /** The WAL's file name for a database file named {@code dbName}. */
  public static String walName(String dbName) {
    return dbName + "-wal";
  }
}
