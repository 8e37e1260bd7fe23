package dev.walship.server.ssh;

import dev.walship.server.config.Limits;
import dev.walship.server.sftp.HandleLimits;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.sftp.SftpModuleProperties;

/**
 * MINA's server plus what a graceful stop and a reload need: closing the listening socket alone,
 * and the {@link Limits} in force, which can change while it runs.
 */
public final class ReplicaSshServer extends SshServer {
  private volatile Limits limits = Limits.DEFAULTS;

  /** Stops accepting new connections; established sessions go on. */
  public void stopAccepting() {
    if (acceptor != null) {
      acceptor.unbind();
    }
  }

  /** The limits in force. */
  public Limits limits() {
    return limits;
  }

  /**
   * Puts {@code next} in force for what happens from now on: new connections, logins, channels and
   * handles; the idle timeout applies to every connection at once.
   */
  public void limits(Limits next) {
    CoreModuleProperties.MAX_CONCURRENT_SESSIONS.set(this, next.connectionsPerUser());
    // ChannelLimits refuses past the limit first; MINA's own check (which throws) is the backstop.
    CoreModuleProperties.MAX_CONCURRENT_CHANNELS.set(this, next.channelsPerConnection());
    CoreModuleProperties.IDLE_TIMEOUT.set(this, next.idleTimeout());
    CoreModuleProperties.AUTH_TIMEOUT.set(this, next.loginGrace());
    SftpModuleProperties.MAX_OPEN_HANDLES_PER_SESSION.set(this, next.openHandles());
    HandleLimits.PER_USER.set(this, next.openHandlesPerUser());
    limits = next;
  }
}
