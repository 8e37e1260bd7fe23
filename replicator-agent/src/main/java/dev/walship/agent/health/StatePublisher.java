package dev.walship.agent.health;

import dev.walship.agent.ship.ShipperStats;
import dev.walship.toolkit.time.Pauses;
import dev.walship.toolkit.time.Ticker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes each replica's {@link AgentState} while the agent runs: looks every {@link #EVERY} and
 * writes a replica's file when its state changed; removes the files when closed.
 */
public final class StatePublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatePublisher.class);

  /**
   * How often the states are compared with what was written: {@code status} shows a failure at most
   * this late; a shorter round costs an idle agent with many databases a visible share of a core
   * (10 rounds a second over 200 idle replicas: 3.2% of a core in all, 2.4% at one round).
   */
  static final Duration EVERY = Duration.ofSeconds(1);

  /** One replica: its database's meta directory, its name, its shipper's stats. */
  public record Entry(Path meta, String replica, ShipperStats stats) {}

  private final List<Entry> entries;
  private final long pid = ProcessHandle.current().pid();
  private final Map<Entry, AgentState> written = new HashMap<>();
  private final Thread thread;
  private final Pauses pauses = new Pauses(Ticker.SYSTEM);

  private StatePublisher(List<Entry> entries) {
    this.entries = entries;
    this.thread = new Thread(this::run, "walship-state");
    this.thread.setDaemon(true);
  }

  /**
   * Publishes {@code entries}, read at every round: a thread-safe list that may change meanwhile.
   */
  public static StatePublisher start(List<Entry> entries) {
    StatePublisher p = new StatePublisher(entries);
    p.publish();
    p.thread.start();
    return p;
  }

  private void run() {
    while (pauses.pause(EVERY)) {
      publish();
    }
  }

  private synchronized void publish() {
    if (written.size() > entries.size()) {
      written.keySet().retainAll(new java.util.HashSet<>(entries)); // a database no longer followed
    }
    for (Entry e : entries) {
      ShipperStats s = e.stats();
      int attempts = s.failedAttempts();
      AgentState now =
          new AgentState(pid, attempts == 0 ? null : s.lastError(), s.failingSince(), attempts);
      if (now.equals(written.get(e))) {
        continue;
      }
      try {
        now.write(e.meta(), e.replica());
        written.put(e, now);
      } catch (IOException x) {
        if (written.put(e, now) != null || !now.failing()) {
          LOG.debug(
              "cannot publish the state of replica {} in {}: {}",
              e.replica(),
              e.meta(),
              x.toString());
        }
      }
    }
  }

  @Override
  public void close() {
    pauses.close();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      for (Entry e : entries) {
        try {
          AgentState.remove(e.meta(), e.replica());
        } catch (IOException x) {
          LOG.debug(
              "cannot remove the published state of replica {}: {}", e.replica(), x.toString());
        }
      }
    }
  }
}
