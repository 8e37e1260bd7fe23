package dev.walship.agent.capture;

import dev.walship.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalWatcherTest {
  @TempDir Path dir;

  @Test
  void aChangeOfTheWalOrTheDatabaseWakesCapture() throws Exception {
    Path db = dir.resolve("w.db");
    AtomicInteger wakes = new AtomicInteger();
    try (WalWatcher w = WalWatcher.start(db, wakes::incrementAndGet)) {
      Files.write(dir.resolve("unrelated"), new byte[1]);
      Files.write(LiveWal.pathOf(db), new byte[1]);
      Await.until(Duration.ofSeconds(5), "a wake for the WAL", () -> wakes.get() >= 1);
      int seen = wakes.get();
      Files.write(db, new byte[1]);
      Await.until(Duration.ofSeconds(5), "a wake for the database", () -> wakes.get() > seen);
    }
  }
}
