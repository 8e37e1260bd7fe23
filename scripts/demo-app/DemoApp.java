package dev.walship.agent.demo;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * {@code DemoApp DB SQL...}: runs each statement against the database, as the {@code sqlite3} shell
 * would, printing a query's rows with {@code |} between columns. Used by {@code scripts/demo} as
 * "the application", so the demo needs nothing but Java (no {@code sqlite3} on a fresh machine).
 * Not part of walship: the build compiles it as a test source (DemoAppTest runs it) and the demo
 * compiles it against the replicator jar, which brings sqlite-jdbc.
 */
public final class DemoApp {
  private DemoApp() {}

  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: DemoApp DB SQL...");
      System.exit(2);
    }
    try {
      run(args[0], java.util.Arrays.copyOfRange(args, 1, args.length), System.out);
    } catch (SQLException e) {
      System.err.println("error: " + args[0] + ": " + e.getMessage());
      System.exit(1);
    }
  }

  /** Runs {@code sql} against {@code db}; query rows go to {@code out}. */
  public static void run(String db, String[] sql, PrintStream out) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout=10000");
      for (String q : sql) {
        if (s.execute(q)) {
          print(s.getResultSet(), out);
        }
      }
    }
  }

  private static void print(ResultSet r, PrintStream out) throws SQLException {
    ResultSetMetaData m = r.getMetaData();
    while (r.next()) {
      StringBuilder line = new StringBuilder();
      for (int i = 1; i <= m.getColumnCount(); i++) {
        if (i > 1) {
          line.append('|');
        }
        String v = r.getString(i);
        line.append(v == null ? "" : v);
      }
      out.println(line);
    }
  }
}
