package dev.walship.format.store;

import java.io.IOException;

/**
 * A failure of a replica store, worded for the operator (one line: where, what, what to do). A
 * {@link #permanent()} failure (a host key or credentials refused, a key file unusable) cannot be
 * helped by retrying: it needs the operator, and {@code replicate} stops at start-up on one.
 * Anything else (a server down, a network error) is retried.
 */
public abstract class ReplicaStoreException extends IOException {
  private static final long serialVersionUID = 1L;

  protected ReplicaStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /** True when retrying cannot help. */
  public abstract boolean permanent();
}
