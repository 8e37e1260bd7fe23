package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When capture tries to restart the WAL, with a hand-driven clock and ticker. */
class RestartScheduleTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private final MutableClock clock = new MutableClock(T0);
  private long nanos;
  private final RestartSchedule schedule =
      new RestartSchedule(
          CaptureSettings.DEFAULTS.withCheckpointPageCounts(100, 1000), clock, () -> nanos);

  @Test
  void dueAtTheMinimumFramesOrAfterTheIntervalWithApplicationFrames() {
    assertFalse(schedule.due(99, true, T0));
    assertTrue(schedule.due(100, false, T0));
    clock.advance(Duration.ofMinutes(1));
    assertTrue(schedule.due(1, true, T0), "checkpoint-interval passed, application frames");
    assertFalse(schedule.due(1, false, T0), "only capture's own frame: nothing to end");
  }

  @Test
  void failedAttemptsWaitLongerUpToTheCapAndWarnOnceAboveTheMaximum() {
    assertNull(schedule.record(LockSteps.Result.BUSY, 500), "below the maximum: no warning");
    assertFalse(schedule.due(500, true, T0), "5 ms backoff");
    nanos += Duration.ofMillis(5).toNanos();
    assertTrue(schedule.due(500, true, T0));
    for (int i = 0; i < 10; i++) {
      schedule.record(LockSteps.Result.READERS, 500);
    }
    nanos += Duration.ofMillis(99).toNanos();
    assertFalse(schedule.due(500, true, T0), "capped at 100 ms");
    nanos += Duration.ofMillis(1).toNanos();
    assertTrue(schedule.due(500, true, T0));
    String w = schedule.record(LockSteps.Result.READERS, 1000);
    assertTrue(w.contains("1000 frames") && w.contains("read transactions"), w);
    assertNull(schedule.record(LockSteps.Result.BUSY, 1200), "once per stretch");
    assertNull(schedule.record(LockSteps.Result.RESTARTED, 1200));
    nanos += Duration.ofSeconds(1).toNanos();
    assertTrue(
        schedule.record(LockSteps.Result.BUSY, 1200).contains("write lock is busy"),
        "a new stretch warns again");
  }

  @Test
  void untilDueSaysWhenTimeAloneMakesARestartDue() {
    assertEquals(Long.MAX_VALUE, schedule.untilDue(5, false, T0), "capture's own frame only");
    assertEquals(Duration.ofMinutes(1).toNanos(), schedule.untilDue(5, true, T0));
    clock.advance(Duration.ofSeconds(45));
    assertEquals(Duration.ofSeconds(15).toNanos(), schedule.untilDue(5, true, T0));
    assertEquals(0, schedule.untilDue(100, false, T0), "the minimum frames: now");
    schedule.record(LockSteps.Result.BUSY, 100);
    assertEquals(Duration.ofMillis(5).toNanos(), schedule.untilDue(100, false, T0), "the retry");
  }
}
