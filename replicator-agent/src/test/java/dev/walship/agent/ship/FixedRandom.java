package dev.walship.agent.ship;

import java.util.random.RandomGenerator;

/** A "random" generator that always picks the same fraction of any bound: exact jitter in tests. */
public final class FixedRandom implements RandomGenerator {
  private final double fraction;

  public FixedRandom(double fraction) {
    this.fraction = fraction;
  }

  @Override
  public long nextLong() {
    return (long) (fraction * Long.MAX_VALUE);
  }

  @Override
  public long nextLong(long bound) {
    return Math.min(bound - 1, (long) (fraction * bound));
  }
}
