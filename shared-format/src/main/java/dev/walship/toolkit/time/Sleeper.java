package dev.walship.toolkit.time;

import java.time.Duration;

/** Waits. Injected wherever code waits between retries, so tests record the waits instead. */
@FunctionalInterface
public interface Sleeper {
  /** The real one: {@link Thread#sleep}. */
  Sleeper SYSTEM = d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);

  /** Waits {@code duration}; an implementation may return early (e.g. when its owner stops). */
  void sleep(Duration duration) throws InterruptedException;
}
