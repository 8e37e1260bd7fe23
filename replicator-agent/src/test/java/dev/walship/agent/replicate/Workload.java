package dev.walship.agent.replicate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.SplittableRandom;

/**
 * The acceptance tests' application: transactions of varied sizes on a real database: small
 * inserts, rows larger than a page (overflow pages), updates, deletes, rolled-back transactions,
 * and one {@code VACUUM} halfway.
 */
final class Workload {
  /** Called between transactions with the number of transactions committed or rolled back. */
  @FunctionalInterface
  interface Between {
    void after(int done) throws Exception;
  }

  private final Connection c;
  private final SplittableRandom random;
  private int maxId;

  Workload(Connection c, long seed) throws SQLException {
    this.c = c;
    this.random = new SplittableRandom(seed);
    try (Statement s = c.createStatement()) {
      s.execute("create table if not exists items(id integer primary key, k text, v blob)");
      s.execute("create index if not exists items_k on items(k)");
      try (var rs = s.executeQuery("select coalesce(max(id), 0) from items")) {
        rs.next();
        maxId = rs.getInt(1);
      }
    }
  }

  /**
   * Runs {@code n} transactions; {@code vacuumAt} is the transaction replaced by a VACUUM (-1:
   * none).
   */
  void run(int n, int vacuumAt, Between between) throws Exception {
    for (int i = 0; i < n; i++) {
      if (i == vacuumAt) {
        try (Statement s = c.createStatement()) {
          s.execute("VACUUM");
        }
      } else {
        transaction(i);
      }
      between.after(i + 1);
    }
  }

  private void transaction(int i) throws SQLException {
    int kind = random.nextInt(100);
    c.setAutoCommit(false);
    try {
      if (kind < 60) {
        insert(1 + random.nextInt(5), 50, 500);
      } else if (kind < 75) {
        insert(1, 5_000, 40_000); // larger than a page: overflow pages
      } else if (kind < 85) {
        update();
      } else if (kind < 92) {
        delete();
      } else {
        insert(3, 100, 3_000);
        c.rollback();
        return;
      }
      c.commit();
    } finally {
      c.setAutoCommit(true);
    }
  }

  private void insert(int rows, int min, int max) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("insert into items(id, k, v) values(?, ?, ?)")) {
      for (int r = 0; r < rows; r++) {
        p.setInt(1, ++maxId);
        p.setString(2, "k" + random.nextInt(1_000_000));
        p.setBytes(3, bytes(min + random.nextInt(max - min)));
        p.executeUpdate();
      }
    }
  }

  private void update() throws SQLException {
    try (PreparedStatement p = c.prepareStatement("update items set v = ?, k = ? where id = ?")) {
      for (int r = 0; r < 3; r++) {
        p.setBytes(1, bytes(20 + random.nextInt(2_000)));
        p.setString(2, "u" + random.nextInt(1_000_000));
        p.setInt(3, 1 + random.nextInt(Math.max(1, maxId)));
        p.executeUpdate();
      }
    }
  }

  private void delete() throws SQLException {
    try (PreparedStatement p = c.prepareStatement("delete from items where id between ? and ?")) {
      int from = 1 + random.nextInt(Math.max(1, maxId));
      p.setInt(1, from);
      p.setInt(2, from + random.nextInt(4));
      p.executeUpdate();
    }
  }

  /** Compressible but not trivial bytes: runs of random length. */
  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    int i = 0;
    while (i < n) {
      byte v = (byte) random.nextInt(256);
      int run = 1 + random.nextInt(16);
      for (int k = 0; k < run && i < n; k++) {
        b[i++] = v;
      }
    }
    return b;
  }
}
