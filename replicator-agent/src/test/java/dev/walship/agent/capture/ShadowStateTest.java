package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Position;
import dev.walship.testing.Await;
import dev.walship.testing.Sqlite;
import dev.walship.toolkit.time.Ticker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a live capture's meta directory from the outside, as {@code replicator status} does. */
class ShadowStateTest {
  @TempDir Path tmp;

  @Test
  void readsTheEndCaptureHasPublished() throws Exception {
    Path db = tmp.resolve("app.db");
    Path meta = tmp.resolve(".app.db-replicator");
    assertEquals(Optional.empty(), ShadowState.read(meta), "nothing recorded yet");
    try (Connection c = Sqlite.openWal(db, 1000)) {
      Sqlite.exec(c, "create table t(x)");
      try (DatabaseCapture capture =
          DatabaseCapture.open(
              db, CaptureSettings.DEFAULTS, Clock.systemUTC(), Ticker.SYSTEM, new Random(1))) {
        capture.start();
        Sqlite.exec(c, "insert into t values(randomblob(5000))");
        Await.until(
            Duration.ofSeconds(10),
            "capture of the insert",
            () -> capture.end() != null && capture.end().offset() > 32 + 3 * 4120);
        Position end = capture.end();
        Await.until(
            Duration.ofSeconds(10),
            "the same end read from outside",
            () -> end.equals(ShadowState.read(meta).orElseThrow().end()));
        ShadowState s = ShadowState.read(meta).orElseThrow();
        assertEquals(end.generation(), s.generation());
        assertEquals(Optional.of(0L), s.bytesAfter(end));
        assertEquals(Optional.of(end.offset() - 32), s.bytesAfter(end.withOffset(32)));
        assertTrue(s.lastChange() != null);
        assertEquals(
            Optional.empty(),
            s.bytesAfter(
                new Position(dev.walship.format.layout.Generation.parse("ffffffffffffffff"), 0, 0)),
            "another generation: unknown");
      }
    }
  }

  @Test
  void anUnpublishedTailIsNotCounted() throws Exception {
    Path meta = tmp.resolve("meta");
    Path db = tmp.resolve("x.db");
    byte[] wal = Sqlite.writeWal(db, 3, 100);
    var g = dev.walship.format.layout.Generation.parse("0000000000000001");
    Path walDir =
        Files.createDirectories(meta.resolve("generations").resolve(g.name()).resolve("wal"));
    Files.writeString(meta.resolve("generation"), g.name() + "\n");
    byte[] torn =
        java.util.Arrays.copyOf(wal, wal.length + 100); // a torn frame after the last commit
    Files.write(walDir.resolve("00000000.wal"), torn);
    assertEquals(new Position(g, 0, wal.length), ShadowState.read(meta).orElseThrow().end());
  }
}
