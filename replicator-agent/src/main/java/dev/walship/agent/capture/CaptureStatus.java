package dev.walship.agent.capture;

import dev.walship.format.layout.Position;
import java.time.Instant;

/**
 * What capture is doing, for operators and health checks.
 *
 * @param state the phase
 * @param end the end of the captured history ({@link ShadowLog#end()}), null before the first
 *     generation
 * @param detail a sentence for operators: why capture waits or fails, or the last event
 * @param since when capture entered this state
 */
public record CaptureStatus(State state, Position end, String detail, Instant since) {
  /** Capture's phases. */
  public enum State {
    /** Not started, or opening the database and checking the local state. */
    STARTING,
    /** The database file does not exist (yet); capture checks again every monitor interval. */
    WAITING_FOR_DATABASE,
    /** Every committed frame is being copied. */
    CAPTURING,
    /** The last attempt failed (see detail); capture retries, the application is unaffected. */
    FAILING,
    /** Closed: the final capture ran and every lock was released. */
    CLOSED
  }
}
