package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.walship.testing.Sqlite;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseCaptureTest {
  @TempDir Path dir;

  @Test
  void smoke() throws Exception {
    Path db = dir.resolve("s.db");
    try (Connection app = Sqlite.openWal(db, 1000)) {
      Sqlite.exec(app, "create table t(x)");
      DatabaseCapture cap = DatabaseCapture.open(db, CaptureSettings.DEFAULTS, Clock.systemUTC(), new Random(1));
      cap.start();
      Follower f = new Follower(cap, "r");
      for (int i = 0; i < 3000; i++) {
        Sqlite.exec(app, "insert into t values(randomblob(" + (i % 7 == 0 ? 9000 : 100) + "))");
      }
      f.catchUp(Duration.ofSeconds(20));
      System.out.println("status " + cap.status() + " gens " + f.generations());
      f.close();
      cap.close();
      f.checkIndicesCommittedOnly();
      Path out = dir.resolve("out.db");
      f.rebuild(f.generations().get(0), out);
      assertEquals(Sqlite.dump(db), Sqlite.dump(out));
      assertEquals("ok", Sqlite.cli(out, "PRAGMA integrity_check").strip());
    }
  }
}
