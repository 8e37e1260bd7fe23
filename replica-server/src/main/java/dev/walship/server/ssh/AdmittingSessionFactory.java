package dev.walship.server.ssh;

import java.time.Duration;
import java.time.Instant;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.session.helpers.TimeoutIndicator;
import org.apache.sshd.server.ServerFactoryManager;
import org.apache.sshd.server.session.ServerSessionImpl;
import org.apache.sshd.server.session.SessionFactory;

/**
 * Makes a session of each accepted connection that {@link Admission} admits; for the others it
 * throws, and MINA's acceptor closes the socket before reading a byte. Its sessions count {@code
 * limits.login-grace} (MINA's AUTH_TIMEOUT) from the moment the connection was accepted, as
 * OpenSSH's LoginGraceTime does; MINA alone restarts the count when the client asks for
 * authentication, so a slow client could take twice as long.
 */
final class AdmittingSessionFactory extends SessionFactory {
  private final Admission admission;

  AdmittingSessionFactory(ServerFactoryManager server, Admission admission) {
    super(server);
    this.admission = admission;
  }

  @Override
  protected ServerSessionImpl doCreateSession(IoSession io) throws Exception {
    Admission.Ticket ticket = admission.admit(io.getRemoteAddress());
    if (ticket == null) {
      throw new SshException("too many connections not logged in yet: closed");
    }
    try {
      GraceSession session = new GraceSession(getServer(), io);
      admission.hold(session, ticket);
      return session;
    } catch (Exception | Error e) {
      ticket.release();
      throw e;
    }
  }

  /** A server session whose login grace runs from its acceptance. */
  private static final class GraceSession extends ServerSessionImpl {
    private final Instant accepted = Instant.now();

    GraceSession(ServerFactoryManager server, IoSession io) throws Exception {
      super(server, io);
    }

    @Override
    protected TimeoutIndicator checkAuthenticationTimeout(Instant now, Duration grace) {
      Duration waited = Duration.between(accepted, now);
      if (!isAuthenticated()
          && !grace.isNegative()
          && !grace.isZero()
          && waited.compareTo(grace) > 0) {
        return new TimeoutIndicator(TimeoutIndicator.TimeoutStatus.AuthTimeout, grace, waited);
      }
      return null; // as MINA's own: null (not NONE) lets it go on to check the idle timeout
    }
  }
}
