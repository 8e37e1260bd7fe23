package dev.walship.agent.ship;

import dev.walship.testing.Sqlite;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A real SQLite database the tests write to, with autocheckpoint off so that the WAL restarts only
 * when the test says ({@link #restartWal}), after the fake capture copied everything.
 */
public final class TestDb implements AutoCloseable {
  public final Path path;
  private final Connection c;
  private int rows;

  public TestDb(Path path) throws SQLException {
    this.path = path;
    this.c = Sqlite.openWal(path, 0);
    Sqlite.exec(c, "create table if not exists t(id integer primary key, x blob)");
  }

  /** {@code n} transactions of one row of {@code size} random bytes each. */
  public TestDb insert(int n, int size) throws SQLException {
    for (int i = 0; i < n; i++) {
      Sqlite.exec(c, "insert into t(x) values(randomblob(" + size + "))");
      rows++;
    }
    return this;
  }

  /** Checkpoints everything and truncates the WAL: the next write starts a new WAL index. */
  public void restartWal() throws SQLException {
    Sqlite.exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
  }

  public int rows() {
    return rows;
  }

  public Connection connection() {
    return c;
  }

  @Override
  public void close() throws SQLException {
    c.close();
  }
}
