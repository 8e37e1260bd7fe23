package dev.walship.server.ssh;

import dev.walship.server.auth.UserKeyAuthenticator;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.AbstractServerSession;
import org.apache.sshd.server.session.ServerConnectionService;
import org.apache.sshd.server.session.ServerConnectionServiceFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code ssh-connection} service with OpenSSH's {@code MaxSessions}: a channel open past {@code
 * limits.channels-per-connection} open channels gets SSH_MSG_CHANNEL_OPEN_FAILURE
 * ("administratively prohibited", as sshd answers) and the connection goes on. Without it every
 * open would get a channel, and each SFTP channel a thread. The first refusal on a connection is
 * logged; the rest are not (a client may retry in a loop).
 */
final class ChannelLimits extends ServerConnectionServiceFactory {
  private static final Logger LOG = LoggerFactory.getLogger("dev.walship.server.audit");

  private final IntSupplier max;

  /**
   * @param max the limit in force at each open
   */
  ChannelLimits(IntSupplier max) {
    this.max = max;
  }

  @Override
  public Service create(Session session) throws IOException {
    Limited service = new Limited((AbstractServerSession) session);
    service.addPortForwardingEventListenerManager(this);
    return service;
  }

  private final class Limited extends ServerConnectionService {
    private final AtomicBoolean logged = new AtomicBoolean();

    Limited(AbstractServerSession session) throws IOException {
      super(session);
    }

    @Override
    protected void channelOpen(Buffer buffer) throws Exception {
      int limit = max.getAsInt();
      // A channel the client has closed no longer counts, though MINA unregisters it only once its
      // SFTP session has ended: a client may close one and open the next at once.
      int open = (int) channels.values().stream().filter(c -> !c.isClosing()).count();
      if (open < limit) {
        super.channelOpen(buffer);
        return;
      }
      int start = buffer.rpos();
      buffer.getString();
      long sender = buffer.getUInt();
      buffer.rpos(start);
      if (logged.compareAndSet(false, true)) {
        Session s = getSession();
        LOG.warn(
            "refused channel user={} address={}: {} channels open on this connection already"
                + " (limits.channels-per-connection); further refusals on it are not logged",
            s.getUsername(),
            UserKeyAuthenticator.address(s.getRemoteAddress()),
            open);
      }
      sendChannelOpenFailure(
          buffer,
          sender,
          SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
          "too many channels on this connection (at most " + limit + ")",
          "");
    }
  }
}
