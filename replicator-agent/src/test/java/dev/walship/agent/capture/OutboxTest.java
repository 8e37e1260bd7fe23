package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import dev.walship.toolkit.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OutboxTest {
  private final Generation g = Generation.parse("00000000000000aa");

  @Test
  void awaitChangeWakesOnPublishAndTimesOutOtherwise() throws Exception {
    Outbox out = new Outbox(Clock.systemUTC(), Ticker.SYSTEM);
    assertNull(out.await(null, Duration.ofMillis(20)));
    Position p = new Position(g, 0, 32);
    CompletableFuture<Position> waiter =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return out.await(null, Duration.ofSeconds(30));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(50);
    out.publish(p);
    assertEquals(p, waiter.get(5, TimeUnit.SECONDS));
    assertEquals(p, out.await(p, Duration.ofMillis(20)));
  }

  @Test
  void statusChangesAreReportedOnceAndShippedPositionsKept() {
    Outbox out = new Outbox(Clock.systemUTC(), Ticker.SYSTEM);
    assertTrue(out.status(CaptureStatus.State.FAILING, "x"));
    assertFalse(out.status(CaptureStatus.State.FAILING, "x"));
    out.restoreShipped(Map.of("a", new Position(g, 1, 0)));
    out.shipped("a", new Position(g, 2, 0));
    out.restoreShipped(Map.of("a", new Position(g, 1, 0)));
    assertEquals(new Position(g, 2, 0), out.shippedPositions().get("a"));
    assertTrue(out.takeShippedChanged());
    assertFalse(out.takeShippedChanged());
  }

  @Test
  void onlyAReportOfAnotherIndexOrGenerationIsWorthWakingCaptureFor() {
    Outbox out = new Outbox(Clock.systemUTC(), Ticker.SYSTEM);
    Generation other = Generation.parse("00000000000000cc");
    assertTrue(out.shipped("a", new Position(g, 2, 32)), "first report");
    assertFalse(out.shipped("a", new Position(g, 2, 4152)), "same index, later offset");
    assertTrue(out.takeShippedChanged(), "still recorded for the next look");
    assertTrue(out.shipped("a", new Position(g, 3, 0)), "next index");
    assertTrue(out.shipped("a", new Position(other, 3, 0)), "another generation");
    assertTrue(out.shipped("b", new Position(other, 3, 0)), "another replica's first");
  }

  @Test
  void looksArePacedOnlyWhileEveryReplicaIsBusy() {
    Outbox out = new Outbox(Clock.systemUTC(), Ticker.SYSTEM);
    assertEquals(Duration.ZERO, out.pace(), "no replica: every change is looked at at once");
    Position p = new Position(g, 0, 32);
    out.publish(p);
    out.pace("a", Duration.ZERO);
    out.pace("b", Duration.ZERO);
    assertEquals(Outbox.BUSY_PACE, out.pace(), "both busy");
    out.waiting("a", new Position(g, 0, 0));
    assertEquals(Outbox.BUSY_PACE, out.pace(), "a waits beyond an old end: it is woken anyway");
    out.waiting("a", p);
    assertEquals(Duration.ZERO, out.pace(), "a waits for more");
    out.publish(new Position(g, 0, 4152));
    assertEquals(Outbox.BUSY_PACE, out.pace(), "the new end wakes a: busy again");
  }

  @Test
  void everyReplicaWithASyncIntervalPacesLooksByAQuarterOfTheShortest() {
    Outbox out = new Outbox(Clock.systemUTC(), Ticker.SYSTEM);
    out.pace("a", Duration.ofSeconds(2));
    out.pace("b", Duration.ofSeconds(1));
    assertEquals(Duration.ofMillis(250), out.pace());
    out.waiting("b", null);
    assertEquals(Duration.ZERO, out.pace(), "b waits for the first end");
    out.pace("c", Duration.ZERO);
    out.publish(new Position(g, 0, 32));
    assertEquals(Outbox.BUSY_PACE, out.pace(), "c ships at once");
  }
}
