package dev.walship.agent.restore;

import dev.walship.format.wal.SqliteFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Applies a WAL index the way Litestream does: writes it as the database's {@code -wal} file and
 * lets SQLite's recovery (which stops at the last commit frame) and a TRUNCATE checkpoint copy it
 * into the database file.
 */
final class SqliteCheckpointApplier implements WalApplier {
  @Override
  public IndexSink open(Path db, Path work, int index) throws IOException {
    Path wal = SqliteFiles.wal(db);
    Files.deleteIfExists(SqliteFiles.shm(db));
    OutputStream out = new BufferedOutputStream(Files.newOutputStream(wal), 1 << 16);
    return new IndexSink() {
      @Override
      public OutputStream out() {
        return out;
      }

      @Override
      public void finish() throws IOException {
        out.close();
        checkpoint(db);
      }

      @Override
      public void close() throws IOException {
        out.close();
        Files.deleteIfExists(wal);
        Files.deleteIfExists(SqliteFiles.shm(db));
      }
    };
  }

  private static void checkpoint(Path db) throws IOException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
      r.next();
      if (r.getInt(1) != 0 || r.getInt(2) != r.getInt(3)) {
        throw new IOException(
            db
                + ": SQLite's checkpoint did not apply the whole WAL (busy="
                + r.getInt(1)
                + ", log="
                + r.getInt(2)
                + ", checkpointed="
                + r.getInt(3)
                + ")");
      }
    } catch (SQLException e) {
      throw new IOException(db + ": SQLite could not apply the WAL: " + e.getMessage(), e);
    }
  }
}
