package dev.walship.agent.sftp;

import java.io.IOException;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.sftp.client.SftpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One authenticated SSH session and its SFTP channels ("lanes"), shared by every operation of the
 * stores on it (MINA's SFTP client is safe for concurrent requests: each waits for its own reply
 * id). A server answers one channel's requests in order, so an upload's fsync would wait behind
 * every other store's; stores therefore keep to lanes of their own ({@link #sftp(int)}): up to
 * {@link #LANES} channels, each opened when first asked for. A server that refuses one more channel
 * (OpenSSH's MaxSessions, replica-server's channels-per-connection) leaves the stores on the first.
 */
final class Connection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

  /** Channels per connection at most (OpenSSH and replica-server allow 10 by default). */
  static final int LANES = 4;

  /** Opens one more SFTP channel on a session. */
  interface Channels {
    SftpClient open(ClientSession session) throws IOException;
  }

  private final ClientSession session;
  private final SftpClient first;
  private final Channels channels;
  private final int number;
  private final SftpClient[] lanes = new SftpClient[LANES];
  private boolean refused;

  /**
   * @param first the channel opened with the session
   * @param number counts the store's connections from 1, for logs
   */
  Connection(ClientSession session, SftpClient first, Channels channels, int number) {
    this.session = session;
    this.first = first;
    this.channels = channels;
    this.number = number;
    lanes[0] = first;
  }

  int number() {
    return number;
  }

  ClientSession session() {
    return session;
  }

  /** The first channel. */
  SftpClient sftp() {
    return first;
  }

  /**
   * The channel of lane {@code lane} (any int, taken modulo {@link #LANES}), opened now if it is
   * not yet; the first channel when the server refuses another.
   */
  synchronized SftpClient sftp(int lane) {
    int i = Math.floorMod(lane, LANES);
    if (lanes[i] == null && !refused) {
      try {
        lanes[i] = channels.open(session);
      } catch (IOException | RuntimeException e) {
        refused = true;
        LOG.debug(
            "connection #{}: no more SFTP channels ({}); lanes share the first",
            number,
            e.toString());
      }
    }
    return lanes[i] == null ? first : lanes[i];
  }

  synchronized boolean isOpen() {
    if (!session.isOpen() || session.isClosing()) {
      return false;
    }
    for (SftpClient c : lanes) {
      if (c != null && (!c.isOpen() || c.isClosing())) {
        return false;
      }
    }
    return true;
  }

  /** The cipher negotiated client to server, e.g. {@code aes128-gcm@openssh.com}. */
  String cipher() {
    return session.getNegotiatedKexParameter(KexProposalOption.C2SENC);
  }

  /** Closes the channels and the session, ignoring errors (the connection may be dead already). */
  @Override
  public synchronized void close() {
    for (SftpClient c : lanes) {
      if (c == null) {
        continue;
      }
      try {
        c.close();
      } catch (Exception e) {
        LOG.debug("closing an SFTP channel of connection #{}: {}", number, e.toString());
      }
    }
    session.close(true);
  }
}
