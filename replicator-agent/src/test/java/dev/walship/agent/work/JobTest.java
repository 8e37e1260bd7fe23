package dev.walship.agent.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JobTest {
  private final Workers workers = Workers.start("job-test", 4);

  @AfterEach
  void close() {
    workers.close();
  }

  @Test
  void aWakeDuringARunCausesExactlyOneMoreRunAndRunsNeverOverlap() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Job j =
        Job.start(
            workers,
            "j",
            () -> {
              if (inside.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
              }
              int n = runs.incrementAndGet();
              if (n == 1) {
                firstStarted.countDown();
                await(release);
              }
              inside.decrementAndGet();
              return Job.UNTIL_WOKEN;
            });
    assertTrue(firstStarted.await(5, TimeUnit.SECONDS));
    for (int i = 0; i < 50; i++) {
      j.wake(); // while the first run runs: remembered once
    }
    release.countDown();
    Await.until(Duration.ofSeconds(5), "the second run", () -> runs.get() == 2);
    Thread.sleep(100); // no third run may come: nothing woke it
    assertEquals(2, runs.get());
    for (int i = 0; i < 200; i++) {
      j.wake();
    }
    Await.until(Duration.ofSeconds(5), "woken again", () -> runs.get() >= 3);
    j.stop();
    assertEquals(0, overlaps.get());
    assertTrue(j.stopped());
  }

  @Test
  void aDelayRunsItAgainAndAWakeComesSooner() throws Exception {
    List<Long> at = new ArrayList<>();
    long t0 = System.nanoTime();
    Job j =
        Job.start(
            workers,
            "timer",
            () -> {
              synchronized (at) {
                at.add((System.nanoTime() - t0) / 1_000_000);
              }
              return Duration.ofMillis(50);
            });
    Await.until(
        Duration.ofSeconds(5),
        "five runs",
        () -> {
          synchronized (at) {
            return at.size() >= 5;
          }
        });
    j.stop();
    synchronized (at) {
      assertTrue(at.get(4) >= 190, "about 50 ms apart: " + at);
    }
    AtomicInteger slow = new AtomicInteger();
    Job k =
        Job.start(
            workers,
            "slow",
            () -> {
              slow.incrementAndGet();
              return Duration.ofHours(1);
            });
    Await.until(Duration.ofSeconds(5), "first run", () -> slow.get() == 1);
    k.wake();
    Await.until(Duration.ofSeconds(5), "a wake does not wait for the hour", () -> slow.get() == 2);
    k.stop();
  }

  @Test
  void stopWaitsForTheRunningStepAndNothingRunsAfterIt() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    Job j =
        Job.start(
            workers,
            "stopping",
            () -> {
              runs.incrementAndGet();
              started.countDown();
              sleep(200);
              return Duration.ZERO;
            });
    assertTrue(started.await(5, TimeUnit.SECONDS));
    long t0 = System.nanoTime();
    j.stop();
    assertTrue((System.nanoTime() - t0) / 1_000_000 >= 100, "stop waited for the step");
    int after = runs.get();
    j.wake();
    Thread.sleep(100);
    assertEquals(after, runs.get());
    assertFalse(!j.stopped());
  }

  @Test
  void doneEndsTheJobAndAnInterruptReachesOnlyTheRunningStep() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger interrupted = new AtomicInteger();
    Job j =
        Job.start(
            workers,
            "interrupted",
            () -> {
              started.countDown();
              try {
                Thread.sleep(10_000);
              } catch (InterruptedException e) {
                interrupted.incrementAndGet();
              }
              return Job.DONE;
            });
    assertTrue(started.await(5, TimeUnit.SECONDS));
    j.interrupt();
    assertTrue(j.awaitStopped(Duration.ofSeconds(5)));
    assertEquals(1, interrupted.get());
    AtomicInteger clean = new AtomicInteger();
    for (int i = 0; i < 8; i++) {
      Job.start(
          workers,
          "after-" + i,
          () -> {
            if (!Thread.currentThread().isInterrupted()) {
              clean.incrementAndGet();
            }
            return Job.DONE;
          });
    }
    Await.until(
        Duration.ofSeconds(5),
        "later jobs on the same threads are not interrupted",
        () -> clean.get() == 8);
  }

  private static void await(CountDownLatch l) {
    try {
      l.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aStepDueAgainAtOnceRunsAgainOnTheSameThreadButNeverStarvesOtherJobs() throws Exception {
    try (Workers one = Workers.start("job-test-one", 1)) {
      List<Thread> threads = new ArrayList<>();
      AtomicInteger busyRuns = new AtomicInteger();
      Job busy =
          Job.start(
              one,
              "busy",
              () -> {
                synchronized (threads) {
                  threads.add(Thread.currentThread());
                }
                busyRuns.incrementAndGet();
                return Duration.ZERO; // always more to do
              });
      Await.until(
          Duration.ofSeconds(5), "runs in a row", () -> busyRuns.get() > 3 * Job.AGAIN_HERE);
      CountDownLatch other = new CountDownLatch(1);
      Job.start(
          one,
          "other",
          () -> {
            other.countDown();
            return Job.DONE;
          });
      assertTrue(other.await(5, TimeUnit.SECONDS), "a job that is always due starved another");
      busy.stop();
      synchronized (threads) {
        assertTrue(threads.subList(0, Job.AGAIN_HERE).stream().allMatch(t -> t == threads.get(0)));
      }
    }
  }

  @Test
  void aStepThatFailsWhileWokenStillRunsAgain() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    Job[] self = new Job[1];
    CountDownLatch started = new CountDownLatch(1);
    Job j =
        Job.start(
            workers,
            "failing",
            () -> {
              int n = runs.incrementAndGet();
              if (n == 1) {
                await(started);
                self[0].wake(); // a wake during the run
                throw new IllegalStateException("step failed (expected by the test)");
              }
              return Job.UNTIL_WOKEN;
            });
    self[0] = j;
    started.countDown();
    Await.until(Duration.ofSeconds(5), "the run after the failed one", () -> runs.get() == 2);
    j.stop();
  }

  @Test
  void wakeWithinNeverDelaysARunDueSoonerAndBringsALaterOneForward() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch inRun = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Job j =
        Job.start(
            workers,
            "paced",
            () -> {
              if (runs.incrementAndGet() == 2) {
                inRun.countDown();
                await(release);
              }
              return Job.UNTIL_WOKEN;
            });
    Await.until(Duration.ofSeconds(5), "the first run", () -> runs.get() == 1);
    j.wakeWithin(Duration.ofHours(1));
    j.wakeWithin(Duration.ofMillis(20)); // brings the hour forward
    Await.until(Duration.ofSeconds(5), "the second run", () -> runs.get() == 2);
    assertTrue(inRun.await(5, TimeUnit.SECONDS));
    j.wakeWithin(Duration.ofMillis(20)); // during a run: once more, soon after it
    release.countDown();
    Await.until(Duration.ofSeconds(5), "the third run", () -> runs.get() == 3);
    j.wake();
    j.wakeWithin(Duration.ofHours(1)); // a run due now stays due now
    Await.until(Duration.ofSeconds(5), "the fourth run", () -> runs.get() == 4);
    j.stop();
  }

  @Test
  void aWakeForNearlyTheSameMomentKeepsThePendingRunAndAnEarlierOneReplacesIt() throws Exception {
    try (Workers w = Workers.start("job-test", 1)) {
      AtomicInteger runs = new AtomicInteger();
      Job j =
          Job.start(
              w,
              "pending",
              () -> {
                runs.incrementAndGet();
                return Job.UNTIL_WOKEN;
              });
      Await.until(Duration.ofSeconds(5), "the first run", () -> runs.get() == 1);
      Await.until( // asked during the first run, the run is planned as it ends
          Duration.ofSeconds(5),
          "a run planned in 100 s",
          () -> {
            j.wakeWithin(Duration.ofSeconds(100));
            return j.pendingRun() != null;
          });
      Object planned = j.pendingRun();
      j.wakeWithin(Duration.ofSeconds(103)); // 3 s later than the pending run: under a sixteenth
      assertSame(planned, j.pendingRun());
      j.wakeWithin(Duration.ofSeconds(100)); // asked a moment later for the same delay
      assertSame(planned, j.pendingRun());
      j.wakeWithin(Duration.ofSeconds(90)); // sooner: a new run
      assertNotSame(planned, j.pendingRun());
      j.stop();
    }
  }
}
