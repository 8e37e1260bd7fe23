package dev.walship.agent.sftp;

import dev.walship.format.store.ReplicaStoreException;

/**
 * A failure of an SFTP replica, worded for the operator (one line: where, what, what to do). {@code
 * permanent} failures (host key refused, authentication refused, key file unusable, protocol
 * mismatch) are not retried: they need the operator.
 */
public class SftpStoreException extends ReplicaStoreException {
  private static final long serialVersionUID = 1L;

  private final boolean permanent;

  SftpStoreException(String message, boolean permanent, Throwable cause) {
    super(message, cause);
    this.permanent = permanent;
  }

  @Override
  public boolean permanent() {
    return permanent;
  }
}
