package dev.walship.agent.heartbeat;

import dev.walship.toolkit.time.Pauses;
import dev.walship.toolkit.time.Ticker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends an HTTP GET to {@code heartbeat-url} while replication works, at most once per {@code
 * heartbeat-interval}, so that a dead-man's-switch monitor raises the alarm when the GETs stop.
 *
 * <p>A GET is sent only right after every replica passed its check ({@link Replica#problem()} is
 * null: it holds what capture holds, or has been catching up only briefly, and its store answered
 * just now). While any replica is behind or failing nothing is sent, not even a "failure" ping:
 * silence is the alarm. The first GET goes out as soon as everything is healthy after the start.
 * The URL is never logged whole (monitors put their secret in it), only its host.
 */
public final class Heartbeat implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

  /** How often health is looked at once a heartbeat is due (or every interval, when shorter). */
  static final Duration LOOK = Duration.ofSeconds(1);

  /**
   * After a look found a problem, the next one waits this long (or an interval, when shorter):
   * probes cost a connection.
   */
  static final Duration AFTER_PROBLEM = Duration.ofSeconds(10);

  static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** One replica as the heartbeat judges it. */
  public interface Replica {
    /**
     * Null when caught up (or briefly catching up) and reachable now; otherwise why not, in words.
     */
    String problem();
  }

  private final URI url;
  private final Duration interval;
  private final List<Replica> replicas;
  private final Ticker ticker;
  private final HttpClient http;
  private final Thread thread;
  private final Pauses pauses;
  private long lastBeat;
  private boolean sentOnce;
  private String lastProblem;
  private volatile long beats;

  private Heartbeat(URI url, Duration interval, List<Replica> replicas, Ticker ticker) {
    this.url = Objects.requireNonNull(url);
    this.interval = interval;
    this.replicas = replicas;
    this.ticker = ticker;
    this.pauses = new Pauses(ticker);
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    this.thread = new Thread(this::run, "walship-heartbeat");
    this.thread.setDaemon(true);
  }

  /**
   * Starts judging {@code replicas} and sending GETs to {@code url}. The list is read at every look
   * and may change meanwhile (a thread-safe list: databases come and go).
   */
  public static Heartbeat start(URI url, Duration interval, List<Replica> replicas, Ticker ticker) {
    Heartbeat h = new Heartbeat(url, interval, replicas, ticker);
    h.thread.start();
    LOG.info(
        "sending a heartbeat to {} at most every {} while every replica is in sync",
        url.getHost(),
        interval);
    return h;
  }

  /** Heartbeats sent successfully so far. */
  public long beats() {
    return beats;
  }

  private void run() {
    Duration look = interval.compareTo(LOOK) < 0 ? interval : LOOK;
    Duration afterProblem = interval.compareTo(AFTER_PROBLEM) < 0 ? interval : AFTER_PROBLEM;
    long nextLook = ticker.read();
    while (pauses.pause(look)) {
      if ((sentOnce && ticker.read() - lastBeat < interval.toNanos())
          || ticker.until(nextLook) > 0) {
        continue;
      }
      String problem = problem();
      if (problem != null) {
        if (lastProblem == null) {
          LOG.warn("heartbeats stop while {}", problem);
        }
        lastProblem = problem;
        nextLook = ticker.read() + afterProblem.toNanos();
        continue;
      }
      if (lastProblem != null) {
        LOG.info("heartbeats resume: every replica is in sync again");
      }
      lastProblem = null;
      send();
    }
  }

  private String problem() {
    for (Replica r : replicas) {
      String p = r.problem();
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  private void send() {
    try {
      HttpRequest req = HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build();
      HttpResponse<Void> res = http.send(req, HttpResponse.BodyHandlers.discarding());
      if (res.statusCode() / 100 != 2) {
        LOG.warn("heartbeat to {} answered HTTP {}", url.getHost(), res.statusCode());
      } else {
        beats++;
      }
      lastBeat = ticker.read();
      sentOnce = true;
    } catch (IOException e) {
      LOG.warn(
          "heartbeat to {} failed: {}",
          url.getHost(),
          e.getMessage() == null ? e.toString() : e.getMessage());
      lastBeat = ticker.read();
      sentOnce = true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pauses.close();
    }
  }

  @Override
  public void close() {
    pauses.close();
    thread.interrupt();
    try {
      thread.join(TIMEOUT.toMillis() + 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
