package dev.walship.agent.work;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded pool of daemon threads that {@link Job}s run on. Its size bounds how many jobs run at
 * once, not how many exist: a thousand idle databases are a thousand pending timers. Closing it
 * stops the threads; jobs should be stopped first.
 *
 * <p>Design note. A run due now goes straight to the workers' queue, and one idle worker wakes for
 * it. A run due later waits on the pool's one timer thread, which hands it to the workers when it
 * is due. (A {@code ScheduledThreadPoolExecutor} would do both on its workers, but with timers
 * pending its idle workers take turns leading the wait for the earliest one, and every task handed
 * over woke a second worker to lead: at hundreds of wakes a second, most of a worker's context
 * switches were that relay, not work.)
 *
 * <p>Timer slack. A run due in a second or more may start up to an eighth of its delay late: its
 * due time is rounded up to a multiple of the largest power-of-two nanoseconds within that eighth
 * (at most 2<sup>30</sup> ns, about a second). Such grids nest, so the safety-net looks of hundreds
 * of idle databases fall on a few instants a second and the timer and a worker wake once for many
 * of them, instead of once each ({@link #slack}).
 */
public final class Workers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Workers.class);

  private final ThreadPoolExecutor workers;
  private final ScheduledThreadPoolExecutor timer;

  /**
   * A run planned by {@link #plan}: {@link #submit()} hands it over; it can be cancelled and knows
   * when it is due.
   */
  interface Pending {
    /**
     * Hands the run to the workers (due now) or the timer (due later); nothing once cancelled.
     *
     * @throws java.util.concurrent.RejectedExecutionException after {@link Workers#close()}
     */
    void submit();

    /** The run will not start (it may be running already). */
    void cancel();

    /** Nanoseconds until it is due: zero or less when it is due now. */
    long delayNanos();
  }

  private Workers(String name, int threads) {
    this.workers =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.NANOSECONDS,
            new LinkedBlockingQueue<>(),
            daemons(name + "-", new AtomicInteger()));
    this.timer = new ScheduledThreadPoolExecutor(1, daemons(name + "-timer", null));
    timer.setRemoveOnCancelPolicy(true);
    timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  private static ThreadFactory daemons(String name, AtomicInteger numbers) {
    return r -> {
      Thread t = new Thread(r, numbers == null ? name : name + numbers.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * A pool of {@code threads} threads named {@code name-1}, {@code name-2}, …
   *
   * @throws IllegalArgumentException when {@code threads < 1}
   */
  public static Workers start(String name, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException(name + ": threads must be at least 1, got " + threads);
    }
    return new Workers(name, threads);
  }

  /**
   * The capture pool's size: {@code min(max(2, 2 × cores), 16)} (capture blocks on SQLite and the
   * disk).
   */
  public static int defaultThreads() {
    return Math.min(Math.max(2, 2 * Runtime.getRuntime().availableProcessors()), 16);
  }

  /**
   * The shipping pool's size: 16 whatever the cores, since a shipper mostly waits for its replica's
   * replies (an SFTP upload is one to three round trips); at most 16 uploads in flight stays far
   * under a server's open handles per channel (replica-server's {@code limits.open-handles}: 4096;
   * OpenSSH's sftp-server: its open-file limit, commonly 1024).
   */
  public static final int SHIP_THREADS = 16;

  /** The number of threads. */
  public int threads() {
    return workers.getCorePoolSize();
  }

  /**
   * Plans a run of {@code task} on a worker in {@code delayNanos} (at once when zero or less), or
   * up to an eighth later for a delay of a second or more ({@link #slack}). Nothing happens until
   * {@link Pending#submit()}: a caller plans under its own lock and submits after letting it go.
   */
  Pending plan(Runnable task, long delayNanos) {
    long now = System.nanoTime();
    long delay = Math.max(0, delayNanos);
    return new Run(task, now + delay + slack(now, delay));
  }

  /** Slack begins where an eighth of the delay reaches this grid: delays of about a second. */
  private static final long FINEST_GRID = 1L << 27;

  /** The coarsest grid: about a second. */
  private static final long COARSEST_GRID = 1L << 30;

  /**
   * How much later than {@code now + delayNanos} (both {@link System#nanoTime}) a run starts: none
   * below about a second, otherwise what rounds it up to a grid of at most an eighth of the delay.
   */
  static long slack(long now, long delayNanos) {
    long eighth = delayNanos / 8;
    if (eighth < FINEST_GRID || delayNanos > Long.MAX_VALUE / 2) {
      return 0;
    }
    long grid = Math.min(Long.highestOneBit(eighth), COARSEST_GRID);
    return Math.floorMod(-(now + delayNanos), grid);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    workers.shutdownNow();
  }

  /** One scheduled run of a task. */
  private final class Run implements Runnable, Pending {
    private final Runnable task;
    private final long due;
    private volatile boolean cancelled;
    private volatile ScheduledFuture<?> timer;

    Run(Runnable task, long due) {
      this.task = task;
      this.due = due;
    }

    @Override
    public void submit() {
      if (cancelled) {
        return;
      }
      long delay = delayNanos();
      if (delay <= 0) {
        workers.execute(this);
      } else {
        timer = Workers.this.timer.schedule(this::due, delay, TimeUnit.NANOSECONDS);
      }
    }

    /** On the timer thread: the run is due, over to the workers. */
    void due() {
      if (!cancelled && !workers.isShutdown()) {
        workers.execute(this);
      }
    }

    @Override
    public void run() {
      if (cancelled) {
        return;
      }
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        LOG.error("a job failed unexpectedly", e);
      }
    }

    @Override
    public void cancel() {
      cancelled = true;
      ScheduledFuture<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
    }

    @Override
    public long delayNanos() {
      return due - System.nanoTime();
    }
  }
}
