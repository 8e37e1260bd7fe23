package dev.walship.server.ssh;

import java.io.IOException;
import java.util.Map;
import org.apache.sshd.common.channel.PtyMode;
import org.apache.sshd.common.channel.RequestHandler.Result;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.channel.ChannelSession;

/**
 * A session channel that runs the {@code sftp} subsystem and nothing else: shell, exec (so scp
 * too), other subsystems, pseudo-terminals, agent and X11 forwarding are refused, each with one log
 * line.
 */
final class SftpOnlyChannelSession extends ChannelSession {
  private Result refuse(String what) {
    RefusedForwarding.logDenied(getSession(), what);
    return Result.ReplyFailure;
  }

  @Override
  protected Result handlePtyReqParsed(
      String term, int cols, int rows, int width, int height, Map<PtyMode, Integer> modes) {
    return refuse("pty");
  }

  @Override
  protected Result handleShellParsed(String request) {
    return refuse("shell");
  }

  @Override
  protected Result handleExecParsed(String request, String command) {
    return refuse("exec");
  }

  @Override
  protected Result handleSubsystemParsed(String request, String subsystem) throws IOException {
    if (!"sftp".equals(subsystem)) {
      return refuse("subsystem " + subsystem);
    }
    return super.handleSubsystemParsed(request, subsystem);
  }

  @Override
  protected Result handleAgentForwarding(String requestType, Buffer buffer, boolean wantReply) {
    return refuse("agent forwarding");
  }

  @Override
  protected Result handleX11Forwarding(String requestType, Buffer buffer, boolean wantReply) {
    return refuse("X11 forwarding");
  }
}
