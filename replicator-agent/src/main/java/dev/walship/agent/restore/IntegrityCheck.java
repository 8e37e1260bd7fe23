package dev.walship.agent.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code PRAGMA integrity_check} on a restored file, before it may replace anything. The check
 * reads the file through a memory map ({@code PRAGMA mmap_size} of the whole file): the same pages,
 * without a {@code pread} per page, which made it about five times faster on a 300 MB restore.
 */
final class IntegrityCheck {
  private IntegrityCheck() {}

  /**
   * Loads SQLite (the driver and its native library, which the driver may first unpack) so that
   * {@link #verify} does not wait for it; run while the restore downloads. Failures are left for
   * {@link #verify} to report.
   */
  static void preload() {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
      c.isValid(0);
    } catch (SQLException e) {
      // verify reports it, with the output path
    }
  }

  static void verify(Path db, Path output) throws RestoreException {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      // the whole file through the map (SQLite caps it at its own maximum, 2 GB by default)
      s.execute("PRAGMA mmap_size=" + Math.max(0, Files.size(db)));
      ResultSet r = s.executeQuery("PRAGMA integrity_check");
      while (r.next() && rows.size() < 5) {
        rows.add(r.getString(1));
      }
    } catch (SQLException | IOException e) {
      throw new RestoreException(
          "restored database cannot be opened by SQLite ("
              + e.getMessage()
              + "); nothing was written to "
              + output,
          e);
    }
    if (!rows.equals(List.of("ok"))) {
      throw new RestoreException(
          "restored database fails PRAGMA integrity_check: "
              + String.join("; ", rows)
              + "; nothing was written to "
              + output);
    }
  }
}
