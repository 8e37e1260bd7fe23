package dev.walship.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The real time moved ahead by an offset a test sets, or frozen at an instant: files keep their
 * real change times, and the server believes they are as old as the test says.
 */
public final class OffsetClock extends Clock {
  private volatile Duration offset = Duration.ZERO;
  private volatile Instant frozen;

  public void advance(Duration d) {
    offset = offset.plus(d);
  }

  /** From now on the time is {@code at}. */
  public void freeze(Instant at) {
    frozen = at;
  }

  @Override
  public Instant instant() {
    Instant f = frozen;
    return f != null ? f : Instant.now().plus(offset);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException();
  }
}
