package dev.walship.toolkit.time;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PausesTest {
  @Test
  void aPauseRunsOutUnlessClosedAndClosingEndsOneInProgressAndAllLaterOnes() throws Exception {
    Pauses pauses = new Pauses(Ticker.SYSTEM);
    assertTrue(pauses.pause(Duration.ofMillis(1)), "ran out");
    boolean[] answer = {true};
    Thread waiting = new Thread(() -> answer[0] = pauses.pause(Duration.ofHours(1)));
    waiting.start();
    while (waiting.getState() != Thread.State.TIMED_WAITING) {
      Thread.onSpinWait();
    }
    pauses.close();
    waiting.join(10_000);
    assertFalse(waiting.isAlive(), "close ended the hour-long pause");
    assertFalse(answer[0], "a pause cut short says so");
    assertTrue(pauses.closed());
    assertFalse(pauses.pause(Duration.ofHours(1)), "a later pause ends at once");
  }
}
