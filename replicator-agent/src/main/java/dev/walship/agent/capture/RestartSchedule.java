package dev.walship.agent.capture;

import dev.walship.toolkit.time.Backoff;
import dev.walship.toolkit.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When capture tries to restart the WAL itself ({@link LockSteps#restart}): once the current index
 * holds {@code min-checkpoint-page-count} frames, or holds application frames and is {@code
 * checkpoint-interval} old. An attempt that readers or writers made fail is retried after a wait
 * that doubles from 5 ms up to the monitor interval (at most 100 ms), so failing attempts cost
 * little while the restart still happens soon after the obstacle is gone. Once per stretch of
 * failures above {@code max-checkpoint-page-count} it says so (the caller logs it).
 */
final class RestartSchedule {
  private static final Duration FIRST_RETRY = Duration.ofMillis(5);
  private static final Duration RETRY_CAP = Duration.ofMillis(100);

  private final CaptureSettings settings;
  private final Clock clock;
  private final Ticker ticker;
  private final Backoff backoff;
  private long next;
  private int failures;
  private boolean warned;

  RestartSchedule(CaptureSettings settings, Clock clock, Ticker ticker) {
    this.settings = settings;
    this.clock = clock;
    this.ticker = ticker;
    this.next = ticker.read();
    Duration cap =
        settings.monitorInterval().compareTo(RETRY_CAP) < 0
            ? settings.monitorInterval()
            : RETRY_CAP;
    this.backoff = new Backoff(cap.compareTo(FIRST_RETRY) < 0 ? cap : FIRST_RETRY, cap);
  }

  /**
   * True when an attempt is due for an index of {@code frames} frames begun at {@code startedAt};
   * {@code applicationFrames}: it holds frames other than capture's own write.
   */
  boolean due(long frames, boolean applicationFrames, Instant startedAt) {
    return untilDue(frames, applicationFrames, startedAt) == 0;
  }

  /**
   * Nanoseconds until {@link #due} if the index does not grow: 0 when an attempt is due now, {@link
   * Long#MAX_VALUE} when time alone never makes one due.
   */
  long untilDue(long frames, boolean applicationFrames, Instant startedAt) {
    long retry = Math.max(0, ticker.until(next));
    if (frames >= settings.minCheckpointPageCount()) {
      return retry;
    }
    if (!applicationFrames) {
      return Long.MAX_VALUE;
    }
    Duration left =
        Duration.between(clock.instant(), startedAt.plus(settings.checkpointInterval()));
    return Math.max(retry, left.isNegative() ? 0 : left.toNanos());
  }

  /**
   * Records an attempt's outcome.
   *
   * @return a warning to log (once per stretch of failures above the maximum), or null
   */
  String record(LockSteps.Result r, long frames) {
    if (r == LockSteps.Result.RESTARTED) {
      failures = 0;
      warned = false;
      return null;
    }
    failures++;
    next = ticker.read() + backoff.ceiling(failures).toNanos();
    if (frames < settings.maxCheckpointPageCount() || warned) {
      return null;
    }
    warned = true;
    return "the WAL holds "
        + frames
        + " frames (max-checkpoint-page-count "
        + settings.maxCheckpointPageCount()
        + ") and cannot restart: "
        + (r == LockSteps.Result.READERS
            ? "application read transactions hold older snapshots"
            : "the write lock is busy");
  }
}
