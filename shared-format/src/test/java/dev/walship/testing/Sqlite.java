package dev.walship.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** Real SQLite databases for tests: sqlite-jdbc connections and the {@code sqlite3} CLI. */
public final class Sqlite {
  private Sqlite() {}

  /** A connection to {@code db} in WAL mode; {@code autocheckpoint} 0 turns SQLite's off. */
  public static Connection openWal(Path db, int autocheckpoint) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA wal_autocheckpoint=" + autocheckpoint);
      s.execute("PRAGMA busy_timeout=10000");
    }
    return c;
  }

  /**
   * Creates {@code db} with a table {@code t(x)} and {@code rows} single-row transactions of {@code
   * blobSize} random bytes, and returns its WAL as SQLite wrote it (copied while open).
   */
  public static byte[] writeWal(Path db, int rows, int blobSize) throws Exception {
    try (Connection c = openWal(db, 0)) {
      exec(c, "create table t(x)");
      for (int i = 0; i < rows; i++) {
        exec(c, "insert into t values(randomblob(" + blobSize + "))");
      }
      return java.nio.file.Files.readAllBytes(Path.of(db + "-wal"));
    }
  }

  /** Runs statements, each in its own autocommit transaction. */
  public static void exec(Connection c, String... sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  /** The first column of the first row of {@code sql}, as a long. */
  public static long queryLong(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  /** The first column of the first row of {@code sql}, as a string. */
  public static String queryString(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }

  /** {@code sqlite3 db .dump}: the database as SQL, the comparison the acceptance tests use. */
  public static String dump(Path db) {
    return Proc.run(
            Duration.ofSeconds(60), TestTools.onPath("sqlite3").toString(), db.toString(), ".dump")
        .orThrow()
        .stdout();
  }

  /** {@code sqlite3 db <sql>}: runs SQL through the CLI and returns what it prints. */
  public static String cli(Path db, String sql) {
    return Proc.run(
            Duration.ofSeconds(60), TestTools.onPath("sqlite3").toString(), db.toString(), sql)
        .orThrow()
        .stdout();
  }
}
