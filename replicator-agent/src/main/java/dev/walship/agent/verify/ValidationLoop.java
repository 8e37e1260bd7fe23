package dev.walship.agent.verify;

import dev.walship.toolkit.time.Pauses;
import dev.walship.toolkit.time.Ticker;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code validation-interval}: runs a {@link ReplicaComparison} of one replica every interval on
 * its own thread, beside replication, and logs and counts each {@link Verdict} (a mismatch as an
 * error naming the generation, the position and the files). The first check runs one interval after
 * the start. Thread-safe.
 */
public final class ValidationLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ValidationLoop.class);

  private final ReplicaComparison comparison;
  private final Duration interval;
  private final Map<Verdict.Result, AtomicLong> counts = new EnumMap<>(Verdict.Result.class);
  private final Pauses pauses;
  private volatile Verdict last;
  private final Thread thread;

  private ValidationLoop(
      ReplicaComparison comparison, Duration interval, Ticker ticker, String name) {
    this.comparison = comparison;
    this.interval = interval;
    this.pauses = new Pauses(ticker);
    for (Verdict.Result r : Verdict.Result.values()) {
      counts.put(r, new AtomicLong());
    }
    this.thread = new Thread(this::run, "walship-validate-" + name);
    this.thread.setDaemon(true);
  }

  /** Starts checking every {@code interval} (positive). */
  public static ValidationLoop start(
      ReplicaComparison comparison, Duration interval, Ticker ticker) {
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("validation-interval must be positive: " + interval);
    }
    ValidationLoop loop = new ValidationLoop(comparison, interval, ticker, comparison.replica());
    loop.thread.start();
    return loop;
  }

  public String db() {
    return comparison.db();
  }

  public String replica() {
    return comparison.replica();
  }

  /** Checks that ended with {@code result} so far. */
  public long count(Verdict.Result result) {
    return counts.get(result).get();
  }

  /** The latest verdict, or null before the first check ended. */
  public Verdict last() {
    return last;
  }

  private void run() {
    while (pauses.pause(interval)) {
      try {
        Verdict v = comparison.run();
        last = v;
        counts.get(v.result()).incrementAndGet();
        log(v);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        counts.get(Verdict.Result.ERROR).incrementAndGet();
        LOG.error(
            "{} [{}]: validation failed unexpectedly; the next one runs in {}",
            db(),
            replica(),
            interval,
            e);
      }
    }
  }

  private static void log(Verdict v) {
    switch (v.result()) {
      case OK, SKIPPED -> LOG.info("{}", v);
      case MISMATCH -> LOG.error("{}; the replica was left as it is", v);
      case ERROR -> LOG.warn("{}", v);
    }
  }

  /** Stops: waits up to 10 s for a running check, then interrupts it. */
  @Override
  public void close() {
    pauses.close();
    try {
      thread.join(10_000);
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
