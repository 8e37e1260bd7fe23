package dev.walship.toolkit.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.walship.testing.FixedRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static Duration ms(long ms) {
    return Duration.ofMillis(ms);
  }

  private static List<Long> waits(Backoff.Attempts a, int n) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(a.next().toMillis());
    }
    return out;
  }

  @Test
  void doublesUpToTheCapWithJitterInTheUpperHalf() {
    Backoff b = new Backoff(ms(500), Duration.ofSeconds(30));
    assertEquals(
        List.of(250L, 500L, 1000L, 2000L, 4000L, 8000L, 15000L, 15000L),
        waits(b.attempts(new FixedRandom(0)), 8));
    assertEquals(
        List.of(500L, 1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L),
        waits(b.attempts(new FixedRandom(0.999999)), 8));
    assertEquals(List.of(375L, 750L, 1500L), waits(b.attempts(new FixedRandom(0.5)), 3));
  }

  @Test
  void theCeilingHasNoJitter() {
    Backoff b = new Backoff(ms(5), ms(100));
    assertEquals(
        List.of(ms(5), ms(10), ms(20), ms(40), ms(80), ms(100), ms(100)),
        List.of(
            b.ceiling(1),
            b.ceiling(2),
            b.ceiling(3),
            b.ceiling(4),
            b.ceiling(5),
            b.ceiling(6),
            b.ceiling(60)));
  }

  @Test
  void resetStartsOver() {
    Backoff.Attempts a = new Backoff(ms(100), Duration.ofSeconds(1)).attempts(new FixedRandom(0.5));
    assertEquals(List.of(75L, 150L, 300L), waits(a, 3));
    assertEquals(3, a.count());
    a.reset();
    assertEquals(0, a.count());
    assertEquals(List.of(75L), waits(a, 1));
  }

  @Test
  void nonsenseIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new Backoff(ms(10), ms(5)));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(ms(-1), ms(5)));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(ms(1), ms(5)).ceiling(0));
  }
}
