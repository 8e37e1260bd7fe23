package dev.walship.agent.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WorkersTest {
  private static final long SECOND = Duration.ofSeconds(1).toNanos();
  private static final long GRID_OF_TEN_SECONDS = 1L << 30;

  @Test
  void delaysBelowAboutASecondStartExactlyWhenAsked() {
    for (long now : new long[] {-7_123_456_789L, 0, 123_456_789_012L}) {
      assertEquals(0, Workers.slack(now, 0));
      assertEquals(0, Workers.slack(now, 5_000_000));
      assertEquals(0, Workers.slack(now, SECOND));
    }
  }

  @Test
  void longerDelaysRoundUpToAGridOfAtMostAnEighthOfTheDelay() {
    for (long delay : new long[] {2 * SECOND, 10 * SECOND, 30 * SECOND, 60 * SECOND}) {
      for (long now = -5 * SECOND; now < 5 * SECOND; now += 77_777_777) {
        long late = Workers.slack(now, delay);
        long grid = Math.min(Long.highestOneBit(delay / 8), GRID_OF_TEN_SECONDS);
        assertTrue(late >= 0 && late < grid, "slack " + late + " for a grid of " + grid);
        assertTrue(late <= delay / 8, late + " > an eighth of " + delay);
        assertEquals(0, Math.floorMod(now + delay + late, grid), "due off the grid");
      }
    }
  }

  @Test
  void runsAskedAtDifferentTimesForNearlyTheSameMomentShareOneDueTime() {
    long now = 1_000 * SECOND + 3; // just past a whole grid line
    long a = now + 10 * SECOND;
    long b =
        now + 400_000_000 + 10 * SECOND - 400_000_000 / 2; // asked 0.4 s later, 0.2 s later due
    long dueA = a + Workers.slack(now, 10 * SECOND);
    long dueB = b + Workers.slack(now + 400_000_000, b - now - 400_000_000);
    assertEquals(dueA, dueB);
  }

  @Test
  void enormousDelaysDoNotOverflow() {
    assertEquals(0, Workers.slack(123, Long.MAX_VALUE));
    assertEquals(0, Workers.slack(-123, Long.MAX_VALUE / 2 + 1));
  }

  @Test
  void aRunWithSlackStillStartsAndSaysWhenItIsDue() throws Exception {
    try (Workers w = Workers.start("workers-test", 1)) {
      CountDownLatch ran = new CountDownLatch(1);
      long asked = System.nanoTime();
      Workers.Pending p = w.plan(ran::countDown, 1200 * 1_000_000L);
      p.submit();
      long due = p.delayNanos();
      assertTrue(
          due >= 1200 * 1_000_000L - (System.nanoTime() - asked) && due <= 1350 * 1_000_000L,
          "due in " + due + " ns");
      assertTrue(ran.await(5, TimeUnit.SECONDS), "the run never started");
    }
  }

  @Test
  void aPlannedRunWaitsForItsSubmitAndACancelledOneNeverRuns() throws Exception {
    try (Workers w = Workers.start("workers-test", 1)) {
      List<String> ran = Collections.synchronizedList(new ArrayList<>());
      Workers.Pending planned = w.plan(() -> ran.add("planned"), 0);
      Workers.Pending cancelled = w.plan(() -> ran.add("cancelled"), 0);
      cancelled.cancel();
      cancelled.submit();
      awaitRun(w, ran, "first"); // one worker, runs in order: nothing planned ran before it
      assertEquals(List.of("first"), ran);

      planned.submit();
      awaitRun(w, ran, "second");
      assertEquals(List.of("first", "planned", "second"), ran);
    }
  }

  /** Runs {@code name} on the pool and waits until it has run. */
  private static void awaitRun(Workers w, List<String> ran, String name) throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    w.plan(
            () -> {
              ran.add(name);
              done.countDown();
            },
            0)
        .submit();
    assertTrue(done.await(5, TimeUnit.SECONDS), name + " never ran");
  }
}
