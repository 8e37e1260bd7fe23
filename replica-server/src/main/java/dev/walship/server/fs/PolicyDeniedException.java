package dev.walship.server.fs;

import java.nio.file.AccessDeniedException;

/**
 * An operation the server's policy refuses. SFTP answers it with {@code SSH_FX_PERMISSION_DENIED};
 * both the path and the reason are in the user's view (never a host path), so the message may be
 * shown to the client.
 */
public final class PolicyDeniedException extends AccessDeniedException {
  private static final long serialVersionUID = 1L;

  public PolicyDeniedException(String viewPath, String reason) {
    super(viewPath, null, reason);
  }
}
