package dev.walship.agent.s3;

import dev.walship.toolkit.time.Sleeper;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.LongSupplier;

/**
 * The S3 server's clock, as its answers show it, and the one ordering rule that depends on it.
 *
 * <p>S3 stamps every object with its own time ({@code LastModified}, whole seconds on AWS), and
 * Litestream v0.3.13 reads replica times from it: it restores the generation whose newest object is
 * newest, and on a tie the one whose name sorts first. A client cannot set those times, so the
 * first object of a new generation must simply be written in a later server second than every
 * object before it. This clock knows a lower bound of the server's time (the {@code Date} header of
 * its last answer, floored to the second, plus the time elapsed since), and the newest second any
 * object is known to carry (listed {@code LastModified}, or the {@code Date} of the answer to a
 * write), and waits until the first is past the second.
 */
final class ServerClock {
  private final InstantSource local;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;

  private long dateMillis = Long.MIN_VALUE;
  private long dateAtNanos;
  private long newestSecond = Long.MIN_VALUE;

  ServerClock(InstantSource local, LongSupplier nanoTime, Sleeper sleeper) {
    this.local = local;
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
  }

  static ServerClock system() {
    return new ServerClock(InstantSource.system(), System::nanoTime, Sleeper.SYSTEM);
  }

  /** An answer's {@code Date} header (RFC 1123); ignored when it does not parse. */
  synchronized void sawDate(String httpDate) {
    try {
      long millis =
          ZonedDateTime.parse(httpDate, DateTimeFormatter.RFC_1123_DATE_TIME)
              .toInstant()
              .toEpochMilli();
      if (millis >= dateMillis) {
        dateMillis = millis;
        dateAtNanos = nanoTime.getAsLong();
      }
    } catch (DateTimeParseException ignored) {
      // a server without a usable Date header: the local clock stands in
    }
  }

  /** An object listed with {@code lastModified}. */
  synchronized void sawObject(Instant lastModified) {
    newestSecond = Math.max(newestSecond, Math.floorDiv(lastModified.toEpochMilli(), 1000));
  }

  /**
   * A write just completed: its object carries at most the server's time now.
   *
   * @return that time, the best estimate of the object's {@code LastModified}
   */
  synchronized Instant wrote() {
    long now = nowMillis();
    newestSecond = Math.max(newestSecond, Math.floorDiv(now, 1000));
    return Instant.ofEpochMilli(now);
  }

  /** Waits until the server's clock is in a later second than every object seen. */
  void awaitLaterSecond() throws InterruptedException {
    while (true) {
      long wait;
      synchronized (this) {
        if (newestSecond == Long.MIN_VALUE) {
          return;
        }
        wait = (newestSecond + 1) * 1000 - nowMillis();
      }
      if (wait <= 0) {
        return;
      }
      sleeper.sleep(Duration.ofMillis(wait));
    }
  }

  /** A lower bound of the server's time (the local clock when no answer had a Date). */
  private long nowMillis() {
    if (dateMillis == Long.MIN_VALUE) {
      return local.millis();
    }
    return dateMillis + (nanoTime.getAsLong() - dateAtNanos) / 1_000_000;
  }
}
