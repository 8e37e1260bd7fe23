package dev.walship.server.ssh;

import dev.walship.server.audit.AuditEvents;
import dev.walship.server.audit.LogText;
import dev.walship.server.auth.SftpAccess;
import dev.walship.server.auth.UserKeyAuthenticator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per login (user, address, key fingerprint, read-only if so) and per logout; values
 * escaped by {@link LogText}.
 */
final class SessionLog implements SessionListener {
  private static final Logger LOG = LoggerFactory.getLogger("dev.walship.server.audit");
  private static final AttributeKey<Instant> LOGIN = new AttributeKey<>();

  private final Clock clock;
  private final AuditEvents events;

  SessionLog(Clock clock, AuditEvents events) {
    this.clock = clock;
    this.events = events;
  }

  @Override
  public void sessionEvent(Session session, Event event) {
    if (event == Event.Authenticated) {
      session.setAttribute(LOGIN, clock.instant());
      events.login(session.getUsername());
      LOG.info(
          "login user={} address={} key={}{}",
          LogText.field(session.getUsername()),
          LogText.field(UserKeyAuthenticator.address(session.getRemoteAddress())),
          LogText.field(session.getAttribute(UserKeyAuthenticator.KEY_FINGERPRINT)),
          session.getAttribute(UserKeyAuthenticator.ACCESS) == SftpAccess.READ_ONLY
              ? " read-only"
              : "");
    }
  }

  @Override
  public void sessionClosed(Session session) {
    Instant login = session.getAttribute(LOGIN);
    if (login != null) {
      events.logout(session.getUsername());
      LOG.info(
          "logout user={} address={} after={}s",
          LogText.field(session.getUsername()),
          LogText.field(UserKeyAuthenticator.address(session.getRemoteAddress())),
          Duration.between(login, clock.instant()).toSeconds());
    }
  }
}
