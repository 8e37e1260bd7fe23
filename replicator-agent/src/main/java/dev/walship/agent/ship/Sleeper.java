package dev.walship.agent.ship;

import java.time.Duration;

/** Waits between retries. Injected so tests can record the waits instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
  /** Waits {@code duration}; may return early (e.g. when the shipper is being stopped). */
  void sleep(Duration duration) throws InterruptedException;
}
