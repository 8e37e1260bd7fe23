package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MarkLagTest {
  private static final Generation G = Generation.parse("00000000000000ab");
  private static final int FRAME = 4120;
  private static final long SECOND = 1_000_000_000L;

  @Test
  void aHandoffIsDueOnceTheMarkTrailsByTheFramesOrForTheAge() {
    MarkLag lag = new MarkLag(4, Duration.ofSeconds(1));
    assertTrue(lag.due(new Position(G, 0, 32 + FRAME), FRAME, 0), "unknown mark");
    lag.moved(new Position(G, 0, 32 + FRAME), 0);
    assertFalse(lag.due(new Position(G, 0, 32 + FRAME), FRAME, 10 * SECOND), "at the end");
    assertFalse(lag.due(new Position(G, 0, 32 + 4 * FRAME), FRAME, 0), "3 frames behind");
    assertTrue(lag.due(new Position(G, 0, 32 + 5 * FRAME), FRAME, 0), "4 frames behind");
    assertFalse(lag.due(new Position(G, 0, 32 + 2 * FRAME), FRAME, SECOND - 1));
    assertTrue(
        lag.due(new Position(G, 0, 32 + 2 * FRAME), FRAME, SECOND), "a frame behind for 1 s");
  }

  @Test
  void anotherIndexOrGenerationOrAForgottenMarkIsDue() {
    MarkLag lag = new MarkLag(100, Duration.ofSeconds(1));
    lag.moved(new Position(G, 3, 32 + FRAME), 0);
    assertTrue(lag.due(new Position(G, 4, 32), FRAME, 0));
    assertTrue(
        lag.due(new Position(Generation.parse("00000000000000ac"), 3, 32 + FRAME), FRAME, 0));
    assertFalse(lag.due(null, FRAME, 0));
    lag.forget();
    assertTrue(lag.due(new Position(G, 3, 32 + FRAME), FRAME, 0));
    assertThrows(IllegalArgumentException.class, () -> new MarkLag(0, Duration.ofSeconds(1)));
  }

  @Test
  void untilDueSaysWhenTheAgeMakesAHandoffDue() {
    MarkLag lag = new MarkLag(4, Duration.ofSeconds(1));
    lag.moved(new Position(G, 0, 32 + FRAME), 0);
    assertEquals(Long.MAX_VALUE, lag.untilDue(new Position(G, 0, 32 + FRAME), FRAME, 0), "at end");
    assertEquals(
        SECOND / 4, lag.untilDue(new Position(G, 0, 32 + 2 * FRAME), FRAME, 3 * SECOND / 4));
    assertEquals(0, lag.untilDue(new Position(G, 0, 32 + 2 * FRAME), FRAME, 2 * SECOND));
    assertEquals(0, lag.untilDue(new Position(G, 0, 32 + 5 * FRAME), FRAME, 0), "by frames");
    assertEquals(Long.MAX_VALUE, lag.untilDue(null, FRAME, 0));
  }
}
