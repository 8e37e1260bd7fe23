package dev.walship.server.sftp;

import dev.walship.server.fs.ReplicaSftpAccessor;
import dev.walship.server.fs.WriteTracker;
import java.io.IOException;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.apache.sshd.sftp.server.UnsupportedAttributePolicy;

/** The {@code sftp} subsystem: MINA's SFTP server narrowed by {@link ReplicaSftpSubsystem}. */
public final class ReplicaSftpSubsystemFactory extends SftpSubsystemFactory {
  private final WriteTracker writes;
  private final HandleLimits handleLimits = new HandleLimits();

  /**
   * @param writes the tracker {@code accessor} counts write handles in
   */
  public ReplicaSftpSubsystemFactory(ReplicaSftpAccessor accessor, WriteTracker writes) {
    this.writes = writes;
    setFileSystemAccessor(accessor);
    setErrorStatusDataHandler(new ClientErrorMessages());
    // A path whose attributes cannot be read is an error, never an empty answer (MINA's default
    // would answer a stat through a link that leads out with empty attributes: a leak).
    setUnsupportedAttributePolicy(UnsupportedAttributePolicy.ThrowException);
    addSftpEventListener(accessor.listener());
  }

  @Override
  public Command createSubsystem(ChannelSession channel) throws IOException {
    ReplicaSftpSubsystem subsystem = new ReplicaSftpSubsystem(channel, this, writes, handleLimits);
    getRegisteredListeners().forEach(subsystem::addSftpEventListener);
    return subsystem;
  }
}
