package dev.walship.agent.sftp;

import java.util.random.RandomGenerator;

/** A "random" source that always draws the same fraction, so backoff waits are exact. */
record FixedRandom(double fraction) implements RandomGenerator {
  @Override
  public long nextLong() {
    return (long) (fraction * Long.MAX_VALUE);
  }

  @Override
  public double nextDouble() {
    return fraction;
  }
}
