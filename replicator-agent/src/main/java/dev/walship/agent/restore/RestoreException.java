package dev.walship.agent.restore;

/**
 * A restore that cannot be done as asked. The message is one line for the operator: what is wrong,
 * with which file, and the newest point that can be restored.
 */
public class RestoreException extends Exception {
  private static final long serialVersionUID = 1L;

  public RestoreException(String message) {
    super(message);
  }

  public RestoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
