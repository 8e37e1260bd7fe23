package dev.walship.agent.restore;

import dev.walship.toolkit.time.Ticker;
import java.io.PrintStream;
import java.time.Duration;

/**
 * How a restore runs.
 *
 * @param parallelism downloads in flight at once ({@code -parallelism}, default 8)
 * @param mode how WAL is applied to the snapshot (default {@link WalApplier.Mode#PAGES})
 * @param progress where the progress line goes (stderr for the CLI)
 * @param progressInterval how often it is printed; a restore shorter than this prints nothing
 * @param ticker elapsed time, for the progress line and the final report
 */
public record RestoreSettings(
    int parallelism,
    WalApplier.Mode mode,
    PrintStream progress,
    Duration progressInterval,
    Ticker ticker) {
  /** Litestream's default parallelism. */
  public static final int DEFAULT_PARALLELISM = 8;

  public RestoreSettings {
    if (parallelism < 1) {
      throw new IllegalArgumentException("-parallelism must be at least 1, got " + parallelism);
    }
  }

  /** The CLI's settings: 8 downloads, page-by-page apply, a progress line per second on stderr. */
  public static RestoreSettings defaults() {
    return new RestoreSettings(
        DEFAULT_PARALLELISM,
        WalApplier.Mode.PAGES,
        System.err,
        Duration.ofSeconds(1),
        Ticker.SYSTEM);
  }

  public RestoreSettings withParallelism(int n) {
    return new RestoreSettings(n, mode, progress, progressInterval, ticker);
  }

  public RestoreSettings withMode(WalApplier.Mode m) {
    return new RestoreSettings(parallelism, m, progress, progressInterval, ticker);
  }
}
