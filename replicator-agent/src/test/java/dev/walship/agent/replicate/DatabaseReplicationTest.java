package dev.walship.agent.replicate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.capture.ShadowLog;
import dev.walship.agent.ship.FakeShadowLog;
import dev.walship.toolkit.time.Ticker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseReplicationTest {
  @TempDir Path tmp;

  /** A capture that has captured nothing yet and says whether it has looked at the database. */
  private static Capture capture(ShadowLog log, AtomicBoolean started) {
    return new Capture() {
      @Override
      public ShadowLog log() {
        return log;
      }

      @Override
      public boolean started() {
        return started.get();
      }

      @Override
      public Path spoolDir() {
        throw new UnsupportedOperationException();
      }

      @Override
      public void finish() {}

      @Override
      public void close() {}
    };
  }

  @Test
  void syncRightAfterAStartWaitsForCapturesFirstLook() throws Exception {
    AtomicBoolean started = new AtomicBoolean();
    FakeShadowLog log = new FakeShadowLog(tmp.resolve("app.db"), new SplittableRandom(1));
    DatabaseReplication d =
        new DatabaseReplication(
            "app.db", capture(log, started), List.of(), List.of(), Ticker.SYSTEM);
    assertFalse(
        d.sync(Duration.ofMillis(50)), "nothing can be said before capture looked at the database");
    started.set(true);
    assertTrue(
        d.sync(Duration.ofMillis(50)), "a database that holds nothing yet is in sync at once");
  }
}
