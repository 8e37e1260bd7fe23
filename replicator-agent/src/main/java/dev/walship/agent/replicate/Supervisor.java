package dev.walship.agent.replicate;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Runs replication in the foreground until SIGTERM or SIGINT arrives or the {@code -exec} child
 * exits, then shuts down in order: the signal is forwarded to the child and the child awaited (as
 * Litestream does); then what capture holds is shipped, within the shutdown timeout; then the exit
 * status is the child's, or 0.
 *
 * <p>Signals are taken with {@code sun.misc.Signal} (module {@code jdk.unsupported}), the only way
 * a JVM can tell SIGINT from SIGTERM, which {@code -exec} must forward as they came. A shutdown
 * hook covers every other way the JVM may be asked to exit (SIGHUP, {@code System.exit}): it
 * forwards SIGTERM and ships what it can within the same bounded wait.
 */
public final class Supervisor {
  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
  private static final String CHILD_EXITED = "child";

  private final Replicator replicator;
  private final ExecChild child;
  private final Duration shutdownTimeout;
  private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
  private final AtomicBoolean stopping = new AtomicBoolean();

  public Supervisor(Replicator replicator, ExecChild child, Duration shutdownTimeout) {
    this.replicator = replicator;
    this.child = child;
    this.shutdownTimeout = shutdownTimeout;
  }

  /** Waits for a signal or the child's exit, shuts down, and returns the exit status. */
  public int run() throws InterruptedException {
    for (String sig : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(sig), s -> events.add(s.getName()));
    }
    Thread hook = new Thread(this::onJvmExit, "walship-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    if (child != null) {
      Thread waiter =
          new Thread(
              () -> {
                try {
                  child.waitFor();
                  events.add(CHILD_EXITED);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "walship-exec-wait");
      waiter.setDaemon(true);
      waiter.start();
    }
    String event = events.take();
    int status = event.equals(CHILD_EXITED) ? childExited() : signalled(event);
    stopReplication();
    return status;
  }

  private int childExited() {
    int status = child.exitValue();
    LOG.info(
        "the -exec command exited with status {}; shipping what is captured, then exiting", status);
    return status;
  }

  private int signalled(String sig) throws InterruptedException {
    LOG.info("SIG{} received; shutting down", sig);
    if (child == null) {
      return 0;
    }
    try {
      LOG.info(
          "forwarding SIG{} to the -exec command (pid {}) and waiting for it to exit",
          sig,
          child.pid());
      child.signal(sig);
    } catch (IOException e) {
      LOG.warn("cannot signal the -exec command: {}", e.getMessage());
    }
    return child.waitFor();
  }

  private void stopReplication() {
    if (stopping.compareAndSet(false, true)) {
      replicator.stop(shutdownTimeout);
    }
  }

  private void onJvmExit() {
    if (stopping.get()) {
      return;
    }
    LOG.info("the JVM is exiting; shipping what is captured (at most {})", shutdownTimeout);
    if (child != null && child.isAlive()) {
      try {
        child.signal("TERM");
      } catch (IOException e) {
        LOG.warn("cannot signal the -exec command: {}", e.getMessage());
      }
    }
    stopReplication();
  }
}
