package dev.walship.agent.restore;

/** The replica holds nothing that matches: no generation, or none for the target. */
public final class NoBackupsException extends RestoreException {
  private static final long serialVersionUID = 1L;

  public NoBackupsException(String message) {
    super(message);
  }
}
