package dev.walship.agent.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MtimeClockTest {
  static final Instant T = Instant.parse("2026-11-27T12:00:00.500Z");

  @Test
  void followsTheClockButNeverRepeatsOrGoesBack() {
    ManualClock clock = new ManualClock(T);
    MtimeClock m = new MtimeClock(clock);
    assertEquals(T, m.next());
    assertEquals(T.plusMillis(1), m.next(), "same millisecond: bumped");
    clock.set(T.minus(Duration.ofMinutes(5)));
    assertEquals(T.plusMillis(2), m.next(), "clock went back: bumped");
    clock.set(T.plusSeconds(1));
    assertEquals(T.plusSeconds(1), m.next());
  }

  @Test
  void startsAfterTheNewestFileOnTheReplica() {
    ManualClock clock = new ManualClock(T);
    MtimeClock m = new MtimeClock(clock);
    m.observe(T.plusSeconds(3));
    m.observe(T.plusSeconds(1));
    assertEquals(T.plusSeconds(3).plusMillis(1), m.next());
  }

  @Test
  void aNewGenerationStartsInALaterWholeSecond() {
    ManualClock clock = new ManualClock(T);
    MtimeClock m = new MtimeClock(clock);
    assertEquals(T, m.nextInNewSecond(), "nothing before: the clock");
    assertEquals(Instant.parse("2026-11-27T12:00:01Z"), m.nextInNewSecond());
    clock.set(T.plusSeconds(5));
    assertEquals(T.plusSeconds(5), m.nextInNewSecond(), "the clock is already later");
  }
}
