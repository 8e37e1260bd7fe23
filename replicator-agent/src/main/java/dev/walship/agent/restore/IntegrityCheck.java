package dev.walship.agent.restore;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** {@code PRAGMA integrity_check} on a restored file, before it may replace anything. */
final class IntegrityCheck {
  private IntegrityCheck() {}

  static void verify(Path db, Path output) throws RestoreException {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      ResultSet r = s.executeQuery("PRAGMA integrity_check");
      while (r.next() && rows.size() < 5) {
        rows.add(r.getString(1));
      }
    } catch (SQLException e) {
      throw new RestoreException(
          "restored database cannot be opened by SQLite (" + e.getMessage() + "); nothing was written to " + output, e);
    }
    if (!rows.equals(List.of("ok"))) {
      throw new RestoreException(
          "restored database fails PRAGMA integrity_check: " + String.join("; ", rows)
              + "; nothing was written to " + output);
    }
  }
}
