package dev.walship.toolkit.time;

/**
 * A monotonic time source in nanoseconds, for measuring intervals and deadlines (wall-clock time is
 * an {@link java.time.InstantSource}). Injected wherever code reads elapsed time, as Caffeine's
 * {@code Ticker}, so that tests move time by hand.
 */
@FunctionalInterface
public interface Ticker {
  /** {@link System#nanoTime()}. */
  Ticker SYSTEM = System::nanoTime;

  /** Nanoseconds since an arbitrary origin; only differences between two reads mean anything. */
  long read();

  /**
   * Nanoseconds from now until {@code deadline} (a value of {@link #read()}); negative when past.
   */
  default long until(long deadline) {
    return deadline - read();
  }
}
