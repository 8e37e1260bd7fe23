package dev.walship.agent.restore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Applies a WAL the way Litestream does: writes it as the database's {@code -wal} file and lets
 * SQLite's recovery and a TRUNCATE checkpoint copy it into the database file.
 */
final class SqliteCheckpointApplier implements WalApplier {
  @Override
  public void apply(Path db, Path wal, long commitEnd) throws IOException {
    Path sidecar = Path.of(db + "-wal");
    Files.deleteIfExists(Path.of(db + "-shm"));
    try (InputStream in = Files.newInputStream(wal);
        OutputStream out = Files.newOutputStream(sidecar)) {
      long copied = in.transferTo(new BoundedOutput(out, commitEnd));
      if (copied < commitEnd) {
        throw new IOException(wal + ": " + copied + " bytes, expected " + commitEnd);
      }
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
      r.next();
      if (r.getInt(1) != 0 || r.getInt(2) != r.getInt(3)) {
        throw new IOException(
            db + ": SQLite's checkpoint did not apply the whole WAL (busy=" + r.getInt(1)
                + ", log=" + r.getInt(2) + ", checkpointed=" + r.getInt(3) + ")");
      }
    } catch (SQLException e) {
      throw new IOException(db + ": SQLite could not apply the WAL: " + e.getMessage(), e);
    }
    Files.deleteIfExists(sidecar);
    Files.deleteIfExists(Path.of(db + "-shm"));
  }

  /** Passes through the first {@code limit} bytes and drops the rest. */
  private static final class BoundedOutput extends OutputStream {
    private final OutputStream out;
    private long left;

    BoundedOutput(OutputStream out, long limit) {
      this.out = out;
      this.left = limit;
    }

    @Override
    public void write(int b) throws IOException {
      if (left > 0) {
        out.write(b);
        left--;
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      int n = (int) Math.min(len, left);
      if (n > 0) {
        out.write(b, off, n);
        left -= n;
      }
    }
  }
}
