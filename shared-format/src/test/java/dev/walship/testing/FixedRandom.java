package dev.walship.testing;

import java.util.random.RandomGenerator;

/** A "random" generator that always picks the same fraction of any bound: exact jitter in tests. */
public record FixedRandom(double fraction) implements RandomGenerator {
  @Override
  public long nextLong() {
    return (long) (fraction * Long.MAX_VALUE);
  }

  @Override
  public long nextLong(long bound) {
    return Math.min(bound - 1, (long) (fraction * bound));
  }

  @Override
  public double nextDouble() {
    return fraction;
  }
}
