package dev.walship.agent.ship;

import dev.walship.toolkit.time.Sleeper;
import dev.walship.toolkit.time.Ticker;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * What a shipper gets from outside: wall-clock time (mtimes, intervals), elapsed time (deadlines),
 * randomness (backoff jitter), how to wait between retries (null: a wait that a stop interrupts),
 * and the directory where snapshots are spooled before upload (it needs room for one compressed
 * copy of the database).
 */
public record ShipEnvironment(
    InstantSource clock, Ticker ticker, RandomGenerator random, Sleeper sleeper, Path spoolDir) {
  public ShipEnvironment {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(ticker, "ticker");
    Objects.requireNonNull(random, "random");
    Objects.requireNonNull(spoolDir, "spoolDir");
  }

  /** The system clock, a fresh random generator, stop-aware waits. */
  public static ShipEnvironment system(Path spoolDir) {
    return new ShipEnvironment(
        InstantSource.system(),
        Ticker.SYSTEM,
        RandomGenerator.of("L64X128MixRandom"),
        null,
        spoolDir);
  }
}
