package dev.walship.agent.work;

import java.time.Duration;
import java.util.Objects;

/**
 * One serial piece of recurring work on a {@link Workers} pool: a step that runs, then says when it
 * wants to run again; {@link #wake()} runs it as soon as a worker is free instead.
 *
 * <p>Invariants: the step never runs on two threads at once; a wake that arrives while the step
 * runs causes exactly one more run right after it (so an event is never lost between the step
 * looking at the world and returning); at most one run is pending at any time; after {@link
 * #stop()} returns, the step does not run again and is not running.
 */
public final class Job {
  /** One run of the job. */
  @FunctionalInterface
  public interface Step {
    /**
     * Does one unit of work.
     *
     * @return when to run again unless woken: {@link Duration#ZERO} at once, {@link #UNTIL_WOKEN}
     *     only when woken, {@link #DONE} never again
     */
    Duration run();
  }

  /** A step's answer: run again only when woken. */
  public static final Duration UNTIL_WOKEN = Duration.ofSeconds(Long.MAX_VALUE);

  /** A step's answer: the job is finished. */
  public static final Duration DONE = Duration.ofSeconds(-1);

  /**
   * How many runs in a row a worker makes when the step is due again at once (it answered {@link
   * Duration#ZERO}, or a wake came during the run) before it queues the next run behind other jobs.
   * Running it on the same thread spares a hand-off: another worker woken for it, and this one
   * going to sleep (a shipper's run after each upload, a capture woken while it looked).
   */
  static final int AGAIN_HERE = 8;

  private final Workers workers;
  private final Step step;
  private final String name;
  private Workers.Pending pending;
  private long pendingToken;
  private boolean pendingNow;
  private Thread runner;
  private boolean rerun;
  private long rerunWithin = -1;
  private boolean stopped;

  private Job(Workers workers, String name, Step step) {
    this.workers = Objects.requireNonNull(workers);
    this.name = Objects.requireNonNull(name);
    this.step = Objects.requireNonNull(step);
  }

  /** A job that runs {@code step} first as soon as a worker is free. */
  public static Job start(Workers workers, String name, Step step) {
    Job j = new Job(workers, name, step);
    j.wake();
    return j;
  }

  public String name() {
    return name;
  }

  /**
   * Runs the step as soon as a worker is free (once more after the current run, if one is running).
   */
  public void wake() {
    submit(wakeLocked());
  }

  private synchronized Workers.Pending wakeLocked() {
    if (stopped) {
      return null;
    }
    if (runner != null) {
      rerun = true;
      return null;
    }
    if (pending != null && pendingNow) {
      return null;
    }
    return plan(0);
  }

  /**
   * Runs the step within {@code delay} ({@link #wake()} when zero): a run due sooner (or only a
   * sixteenth of {@code delay} later) stays, a later one is brought forward; during a run, the next
   * run is due within {@code delay} after it.
   */
  public void wakeWithin(Duration delay) {
    long nanos = delay.toNanos();
    submit(nanos <= 0 ? wakeLocked() : wakeWithinLocked(nanos));
  }

  private synchronized Workers.Pending wakeWithinLocked(long nanos) {
    if (stopped) {
      return null;
    }
    if (runner != null) {
      rerunWithin = rerunWithin < 0 ? nanos : Math.min(rerunWithin, nanos);
      return null;
    }
    if (pending != null && (pendingNow || pending.delayNanos() <= nanos + nanos / LATE_ENOUGH)) {
      return null;
    }
    return plan(nanos);
  }

  /**
   * A pending run due at most a sixteenth of the asked delay later than asked stays as it is. A
   * caller that asks again and again for "by the same moment" measures its delay a little earlier
   * each time than the pending run was planned; without the allowance, every such wake (a file
   * event per commit at 1000 commits/s, paced to one look per 100 ms) cancelled the pending run and
   * planned it anew, waking the timer thread each time.
   */
  private static final long LATE_ENOUGH = 16;

  /** The pending run, if any (for tests: whether a wake planned a new one). */
  synchronized Object pendingRun() {
    return pending;
  }

  /**
   * The next run, planned while holding this job's lock; {@link #submit} hands it to the workers
   * after the lock is let go. (Handing it over while holding the lock woke a worker straight into
   * that lock: it blocked on it, and the waker had to wake it again on the way out.)
   */
  private Workers.Pending plan(long delayNanos) {
    if (pending != null) {
      pending.cancel();
    }
    long token = ++pendingToken;
    pendingNow = delayNanos <= 0;
    pending = workers.plan(() -> run(token), delayNanos);
    return pending;
  }

  private static void submit(Workers.Pending next) {
    if (next != null) {
      next.submit();
    }
  }

  private void run(long token) {
    synchronized (this) {
      if (stopped || token != pendingToken || runner != null) {
        return;
      }
      pending = null;
      runner = Thread.currentThread();
    }
    try {
      for (int runs = 1; runOnce(runs); runs++) {
        Thread.interrupted(); // due again at once, on this thread (AGAIN_HERE); a fresh run
      }
    } finally {
      Thread.interrupted(); // an interrupt meant for this run must not reach the next job's
    }
  }

  /**
   * Runs the step once on the runner thread, then schedules what comes next.
   *
   * @return true when the step is due again at once and this thread runs it ({@code runs} so far
   *     below {@link #AGAIN_HERE}); the thread stays the runner
   */
  private boolean runOnce(int runs) {
    synchronized (this) {
      rerun = false;
      rerunWithin = -1;
    }
    Duration next = Duration.ofSeconds(1);
    Throwable failed = null;
    try {
      next = step.run();
    } catch (RuntimeException | Error e) {
      failed = e;
    }
    Workers.Pending planned = null;
    synchronized (this) {
      boolean now = rerun || next.isZero() || next.isNegative();
      if (failed == null && !stopped && next != DONE && now && runs < AGAIN_HERE) {
        return true;
      }
      runner = null;
      if (!stopped && next != DONE) {
        planned = planAfter(now, next);
      } else {
        stopped = true;
      }
      notifyAll();
    }
    submit(planned);
    if (failed instanceof RuntimeException r) {
      throw r;
    }
    if (failed instanceof Error e) {
      throw e;
    }
    return false;
  }

  /** The run after one that answered {@code next} (due at once when {@code now}), if any. */
  private Workers.Pending planAfter(boolean now, Duration next) {
    if (now) {
      return plan(0);
    }
    if (rerunWithin >= 0 && (next == UNTIL_WOKEN || rerunWithin < next.toNanos())) {
      return plan(rerunWithin);
    }
    return next == UNTIL_WOKEN ? null : plan(next.toNanos());
  }

  /** Interrupts the step if it is running now (a stop that cannot wait longer). */
  public synchronized void interrupt() {
    if (runner != null) {
      runner.interrupt();
    }
  }

  /** Whether the job has stopped (by {@link #stop()} or a step that answered {@link #DONE}). */
  public synchronized boolean stopped() {
    return stopped && runner == null;
  }

  /**
   * Waits until the job has stopped, at most {@code timeout}.
   *
   * @return true when it has
   */
  public synchronized boolean awaitStopped(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!(stopped && runner == null)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  /** No more runs; the current one, if any, is not waited for. */
  public synchronized void cancel() {
    stopped = true;
    if (pending != null) {
      pending.cancel();
      pending = null;
    }
  }

  /**
   * No more runs; waits for the current one, if any, to end (unless called from the step itself).
   */
  public void stop() {
    synchronized (this) {
      cancel();
      boolean interrupted = false;
      while (runner != null && runner != Thread.currentThread()) {
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
