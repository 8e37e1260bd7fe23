package dev.walship.server.ssh;

import dev.walship.server.audit.LogText;
import dev.walship.server.auth.UserKeyAuthenticator;
import java.util.List;
import java.util.Set;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.helpers.AbstractConnectionServiceRequestHandler;
import org.apache.sshd.common.util.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Port forwarding refused with one log line each: local forwarding ({@code direct-tcpip} and {@code
 * direct-streamlocal} channels) gets "unknown channel type", remote forwarding ({@code
 * tcpip-forward} and {@code streamlocal-forward} requests) gets a failure reply.
 */
final class RefusedForwarding {
  private static final Logger LOG = LoggerFactory.getLogger("dev.walship.server.audit");
  private static final Set<String> REMOTE =
      Set.of(
          "tcpip-forward",
          "cancel-tcpip-forward",
          "streamlocal-forward@openssh.com",
          "cancel-streamlocal-forward@openssh.com");

  private RefusedForwarding() {}

  /** Channel factories that log and refuse the local-forwarding channel types. */
  static List<ChannelFactory> localChannels() {
    return List.of(
        refusingChannel("direct-tcpip"), refusingChannel("direct-streamlocal@openssh.com"));
  }

  /** A global request handler that logs and refuses remote forwarding. */
  static AbstractConnectionServiceRequestHandler remoteRequests() {
    return new AbstractConnectionServiceRequestHandler() {
      @Override
      public Result process(
          ConnectionService service, String request, boolean wantReply, Buffer buffer) {
        if (!REMOTE.contains(request)) {
          return Result.Unsupported;
        }
        logDenied(service.getSession(), "remote forwarding (" + request + ")");
        return Result.ReplyFailure;
      }
    };
  }

  private static ChannelFactory refusingChannel(String type) {
    return new ChannelFactory() {
      @Override
      public String getName() {
        return type;
      }

      @Override
      public Channel createChannel(Session session) {
        logDenied(session, "local forwarding (" + type + ")");
        return null;
      }
    };
  }

  /**
   * The audit line of a refused request: user, address and what was asked for (escaped: a client
   * names it).
   */
  static void logDenied(Session s, String what) {
    LOG.info(
        "denied user={} address={} request={}: only the sftp subsystem is offered",
        LogText.field(s.getUsername()),
        LogText.field(UserKeyAuthenticator.address(s.getRemoteAddress())),
        LogText.field(what));
  }
}
