package dev.walship.server.ssh;

import org.apache.sshd.server.SshServer;

/** MINA's server plus the one thing a graceful stop needs: closing the listening socket alone. */
public final class ReplicaSshServer extends SshServer {
  /** Stops accepting new connections; established sessions go on. */
  public void stopAccepting() {
    if (acceptor != null) {
      acceptor.unbind();
    }
  }
}
