package dev.walship.server.ssh;

import dev.walship.server.auth.Addresses;
import dev.walship.server.config.Limits;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections that have not logged in yet (OpenSSH's "startups"), counted per source address and in
 * all. A connection past {@code limits.unauthenticated-per-source} from its address, or past {@code
 * limits.unauthenticated} in all, is closed at once, before MINA makes it a session: it costs no
 * read buffer (256 KiB each) and no key exchange, so a flood from one address neither exhausts the
 * heap nor keeps users on other addresses out. {@code limits.login-grace} (see {@link
 * AdmittingSessionFactory}) bounds how long an admitted one may wait.
 *
 * <p>Invariants: each admitted connection holds one {@link Ticket} from admission until it logs in
 * or closes, whichever comes first; releasing is idempotent, so the counts never drift. All state
 * is guarded by this object's lock (accepts and logins are far rarer than packets).
 *
 * <p>Refusals are logged in episodes, so a flood does not flood the log: per source, the first
 * refusal at once, then at most one line per {@link #SUMMARY_EVERY} with the count, and a last
 * count when the source's waiting connections are gone; likewise for the total.
 */
final class Admission implements SessionListener {
  static final Duration SUMMARY_EVERY = Duration.ofMinutes(1);
  private static final Logger LOG = LoggerFactory.getLogger("dev.walship.server.audit");
  private static final AttributeKey<Ticket> TICKET = new AttributeKey<>();

  /** The episode key of refusals for the total. */
  private static final Object ALL = new Object();

  /** One admitted connection's place in the counts. */
  final class Ticket {
    private final InetAddress source;
    private boolean released;

    private Ticket(InetAddress source) {
      this.source = source;
    }

    /** Gives the place back (once; later calls do nothing). */
    void release() {
      synchronized (Admission.this) {
        if (!released) {
          released = true;
          leave(source);
        }
      }
    }
  }

  private static final class Episode {
    final String reason;
    Instant lastLine;
    long unlogged;

    Episode(String reason, Instant now) {
      this.reason = reason;
      this.lastLine = now;
    }
  }

  private final Supplier<Limits> limits;
  private final Clock clock;
  private final Map<InetAddress, Integer> waiting = new HashMap<>();
  private final Map<Object, Episode> episodes = new HashMap<>();
  private int total;

  Admission(Supplier<Limits> limits, Clock clock) {
    this.limits = limits;
    this.clock = clock;
  }

  /** A ticket for a connection from {@code remote}, or null when it must be closed (logged). */
  synchronized Ticket admit(SocketAddress remote) {
    Limits l = limits.get();
    InetAddress source =
        remote instanceof InetSocketAddress isa && isa.getAddress() != null
            ? Addresses.unmapped(isa.getAddress())
            : null;
    String who = source == null ? String.valueOf(remote) : Addresses.text(source);
    if (total >= l.unauthenticated()) {
      refused(ALL, who, total + " unauthenticated in all already (limits.unauthenticated)");
      return null;
    }
    int fromSource = source == null ? 0 : waiting.getOrDefault(source, 0);
    if (fromSource >= l.unauthenticatedPerSource()) {
      refused(
          source, who, fromSource + " unauthenticated already (limits.unauthenticated-per-source)");
      return null;
    }
    total++;
    if (source != null) {
      waiting.merge(source, 1, Integer::sum);
    }
    end(ALL, "any address");
    return new Ticket(source);
  }

  /** Binds {@code ticket} to the session it was admitted for: released at login or close. */
  void hold(Session session, Ticket ticket) {
    session.setAttribute(TICKET, ticket);
  }

  /** Connections from {@code source} not logged in yet. */
  synchronized int waiting(InetAddress source) {
    return waiting.getOrDefault(Addresses.unmapped(source), 0);
  }

  @Override
  public void sessionEvent(Session session, Event event) {
    if (event == Event.Authenticated) {
      release(session);
    }
  }

  @Override
  public void sessionClosed(Session session) {
    release(session);
  }

  private static void release(Session session) {
    Ticket t = session.getAttribute(TICKET);
    if (t != null) {
      t.release();
    }
  }

  private void leave(InetAddress source) {
    total--;
    if (source != null && waiting.merge(source, -1, Integer::sum) <= 0) {
      waiting.remove(source);
      end(source, Addresses.text(source));
    }
  }

  private void refused(Object key, String who, String reason) {
    Instant now = clock.instant();
    Episode e = episodes.get(key);
    if (e == null) {
      episodes.put(key, new Episode(reason, now));
      LOG.warn("refused connection(s) from {}: {}", who, reason);
      return;
    }
    e.unlogged++;
    if (!now.isBefore(e.lastLine.plus(SUMMARY_EVERY))) {
      LOG.warn("refused {} more connection(s) from {}: {}", e.unlogged, who, reason);
      e.lastLine = now;
      e.unlogged = 0;
    }
  }

  private void end(Object key, String who) {
    Episode e = episodes.remove(key);
    if (e != null && e.unlogged > 0) {
      LOG.warn("refused {} more connection(s) from {}: {}", e.unlogged, who, e.reason);
    }
  }
}
