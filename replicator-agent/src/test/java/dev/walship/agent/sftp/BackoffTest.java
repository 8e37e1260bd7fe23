package dev.walship.agent.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static List<Duration> delays(Backoff b, double fraction) {
    return IntStream.rangeClosed(1, b.attempts()).mapToObj(n -> b.delayBefore(n, new FixedRandom(fraction))).toList();
  }

  private static Duration ms(long ms) {
    return Duration.ofMillis(ms);
  }

  @Test
  void doublesFromBaseWithHalfTheCeilingFixedAndHalfJittered() {
    Backoff b = new Backoff(ms(100), ms(1000), 7);
    assertEquals(List.of(ms(0), ms(50), ms(100), ms(200), ms(400), ms(500), ms(500)), delays(b, 0.0));
    assertEquals(List.of(ms(0), ms(75), ms(150), ms(300), ms(600), ms(750), ms(750)), delays(b, 0.5));
    assertEquals(List.of(ms(0), ms(100), ms(200), ms(400), ms(800), ms(1000), ms(1000)), delays(b, 1.0));
  }

  @Test
  void theDefaultIsFiveAttemptsFromAQuarterSecond() {
    assertEquals(List.of(ms(0), ms(250), ms(500), ms(1000), ms(2000)), delays(Backoff.DEFAULT, 1.0));
  }

  @Test
  void nonsenseIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new Backoff(ms(10), ms(5), 3));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(ms(-1), ms(5), 3));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(ms(1), ms(5), 0));
  }
}
