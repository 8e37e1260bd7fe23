package dev.walship.agent.sftp;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.sftp.client.SftpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One authenticated SSH session and the SFTP channel on it, shared by every operation of a store
 * (MINA's SFTP client is safe for concurrent requests: each waits for its own reply id).
 *
 * @param number counts the store's connections from 1, for logs
 */
record Connection(ClientSession session, SftpClient sftp, int number) implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

  boolean isOpen() {
    return session.isOpen() && !session.isClosing() && sftp.isOpen() && !sftp.isClosing();
  }

  /** The cipher negotiated client to server, e.g. {@code aes128-gcm@openssh.com}. */
  String cipher() {
    return session.getNegotiatedKexParameter(KexProposalOption.C2SENC);
  }

  /** Closes the channel and the session, ignoring errors (the connection may be dead already). */
  @Override
  public void close() {
    try {
      sftp.close();
    } catch (Exception e) {
      LOG.debug("closing SFTP channel of connection #{}: {}", number, e.toString());
    }
    session.close(true);
  }
}
