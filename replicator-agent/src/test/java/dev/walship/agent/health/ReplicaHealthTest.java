package dev.walship.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.capture.ShadowState;
import dev.walship.agent.config.DbConfig;
import dev.walship.agent.config.FileReplicaConfig;
import dev.walship.agent.config.ReplicaTiming;
import dev.walship.format.catalog.ReplicaEnd;
import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The status rules, with hand-made local and replica states and an exact clock. */
class ReplicaHealthTest {
  static final Generation G = Generation.parse("00000000000000aa");
  static final Instant T = Instant.parse("2026-11-27T10:00:00Z");
  static final FileReplicaConfig R =
      new FileReplicaConfig("backup", Path.of("/r"), ReplicaTiming.DEFAULTS);
  static final DbConfig DB = dbConfig();

  static DbConfig dbConfig() {
    return new DbConfig(
        Path.of("/d/app.db"),
        DbConfig.defaultMetaPath(Path.of("/d/app.db")),
        DbConfig.DEFAULT_MONITOR_INTERVAL,
        DbConfig.DEFAULT_CHECKPOINT_INTERVAL,
        DbConfig.DEFAULT_MIN_CHECKPOINT_PAGE_COUNT,
        DbConfig.DEFAULT_MAX_CHECKPOINT_PAGE_COUNT,
        List.of(R));
  }

  /** Index 0 final at 10,000 bytes, index 1 at 5,000, last changed at T. */
  static Optional<ShadowState> local() {
    return Optional.of(
        new ShadowState(
            G,
            List.of(
                new ShadowState.Index(0, 10_000, T.minusSeconds(600)),
                new ShadowState.Index(1, 5_000, T))));
  }

  static ReplicaHealth status(ReplicaHealth.Probe probe) {
    return ReplicaHealth.of(DB, R, local(), T.plusSeconds(5), Duration.ofMinutes(1), probe);
  }

  @Test
  void caughtUp() {
    ReplicaHealth s = status(() -> new ReplicaEnd(new Position(G, 1, 5_000), T));
    assertEquals("ok", s.state());
    assertEquals(0L, s.lagBytes());
    assertEquals(Duration.ZERO, s.lag());
    assertTrue(s.healthy());
  }

  @Test
  void behindWithinAndBeyondTheThreshold() {
    ReplicaHealth near =
        status(() -> new ReplicaEnd(new Position(G, 1, 1_000), T.minusSeconds(20)));
    assertEquals("catching-up", near.state());
    assertEquals(4_000L, near.lagBytes());
    assertEquals(Duration.ofSeconds(20), near.lag());
    assertTrue(near.healthy());
    ReplicaHealth far =
        status(() -> new ReplicaEnd(new Position(G, 0, 9_000), T.minusSeconds(300)));
    assertEquals("behind", far.state());
    assertEquals(1_000L + 5_000L, far.lagBytes());
    assertFalse(far.healthy());
  }

  @Test
  void aReplicaThatIsDownIsBehindWithTheReason() {
    ReplicaHealth s =
        status(
            () -> {
              throw new IOException(
                  "sftp://u@h:22/db: connect: connection refused (is replica-server running?)");
            });
    assertEquals("behind", s.state());
    assertEquals(
        "unreachable: sftp://u@h:22/db: connect: connection refused (is replica-server running?)",
        s.lastError());
    assertFalse(s.healthy());
  }

  @Test
  void aFullDiskOnTheReplicaIsNamed() {
    ReplicaHealth s =
        status(() -> new ReplicaEnd(new Position(G, 1, 5_000), T)).withUsableSpace(4096);
    assertEquals("no-space", s.state());
    assertEquals(
        "no space left on device: the replica's file system has 4096 bytes free", s.lastError());
    assertFalse(s.healthy());
    assertEquals(
        "ok",
        status(() -> new ReplicaEnd(new Position(G, 1, 5_000), T))
            .withUsableSpace(2L << 20)
            .state());
    assertEquals(
        "ok",
        status(() -> new ReplicaEnd(new Position(G, 1, 5_000), T)).withUsableSpace(-1).state(),
        "unknown");
  }

  @Test
  void aReplicaWithoutTheCurrentGenerationHasNoSnapshot() {
    ReplicaHealth s = status(() -> new ReplicaEnd(null, null));
    assertEquals("no-snapshot", s.state());
    assertFalse(s.healthy());
  }

  @Test
  void nothingCapturedYetIsIdle() {
    ReplicaHealth s =
        ReplicaHealth.of(
            DB,
            R,
            Optional.empty(),
            T,
            Duration.ofMinutes(1),
            () -> {
              throw new AssertionError("not probed");
            });
    assertEquals("idle", s.state());
    assertNull(s.lastError());
    assertTrue(s.healthy());
  }
}
