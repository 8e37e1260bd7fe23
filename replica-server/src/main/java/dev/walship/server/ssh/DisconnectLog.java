package dev.walship.server.ssh;

import dev.walship.server.auth.UserKeyAuthenticator;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionDisconnectHandler;
import org.apache.sshd.common.session.helpers.TimeoutIndicator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line when a limit ends a connection: the login grace ran out, or the user already holds
 * {@code limits.connections-per-user} connections. MINA then disconnects as usual.
 */
final class DisconnectLog implements SessionDisconnectHandler {
  private static final Logger LOG = LoggerFactory.getLogger("dev.walship.server.audit");

  @Override
  public boolean handleTimeoutDisconnectReason(Session session, TimeoutIndicator timeout) {
    if (timeout.getStatus() == TimeoutIndicator.TimeoutStatus.AuthTimeout) {
      LOG.info(
          "closed connection address={}: not logged in within {} ms (limits.login-grace)",
          UserKeyAuthenticator.address(session.getRemoteAddress()),
          timeout.getThresholdValue().toMillis());
    }
    return false;
  }

  @Override
  public boolean handleSessionsCountDisconnectReason(
      Session session, Service service, String username, int current, int max) {
    // The user name is a configured one: authentication succeeded.
    LOG.warn(
        "refused login user={} address={}: {} connections of this user already (limits.connections-per-user)",
        username,
        UserKeyAuthenticator.address(session.getRemoteAddress()),
        current);
    return false;
  }
}
