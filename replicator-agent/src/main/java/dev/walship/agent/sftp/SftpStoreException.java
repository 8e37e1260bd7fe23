package dev.walship.agent.sftp;

import java.io.IOException;

/**
 * A failure of an SFTP replica, worded for the operator (one line: where, what, what to do).
 * {@code permanent} failures (host key refused, authentication refused, key file unusable,
 * protocol mismatch) are not retried: they need the operator.
 */
public class SftpStoreException extends IOException {
  private static final long serialVersionUID = 1L;

  private final boolean permanent;

  SftpStoreException(String message, boolean permanent, Throwable cause) {
    super(message, cause);
    this.permanent = permanent;
  }

  /** True when retrying cannot help. */
  public boolean permanent() {
    return permanent;
  }
}
