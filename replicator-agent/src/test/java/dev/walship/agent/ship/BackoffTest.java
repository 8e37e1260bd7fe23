package dev.walship.agent.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static List<Long> waits(Backoff b, int n) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(b.next().toMillis());
    }
    return out;
  }

  @Test
  void doublesUpToTheMaximumWithJitterInTheUpperHalf() {
    Backoff low = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), new FixedRandom(0));
    assertEquals(List.of(250L, 500L, 1000L, 2000L, 4000L, 8000L, 15000L, 15000L), waits(low, 8));
    Backoff high = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), new FixedRandom(0.999999));
    assertEquals(List.of(500L, 1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L), waits(high, 8));
  }

  @Test
  void resetStartsOver() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), new FixedRandom(0.5));
    assertEquals(List.of(75L, 150L, 300L), waits(b, 3));
    assertEquals(3, b.attempts());
    b.reset();
    assertEquals(List.of(75L), waits(b, 1));
  }
}
