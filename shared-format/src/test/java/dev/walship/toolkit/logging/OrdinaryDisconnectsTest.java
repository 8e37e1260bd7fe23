package dev.walship.toolkit.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * MINA's warnings about an ordinary disconnect stay out of the programs' logs (each program logs
 * the disconnect once in its own words); MINA's other warnings, and everything at debug, pass.
 */
class OrdinaryDisconnectsTest {
  private static final String CAUGHT = "exceptionCaught({})[state={}] {}: {}";

  private static List<String> logged(Level minaLevel, Runnable logs) {
    LoggerContext context = new LoggerContext();
    Logging.configure(
        context,
        org.slf4j.event.Level.INFO,
        LogFormat.TEXT,
        LogTarget.STDERR,
        "dev.walship.server.ssh");
    context.getLogger("org.apache.sshd").setLevel(minaLevel);
    context.getLogger("dev.walship.server.ssh").setLevel(minaLevel);
    ListAppender<ILoggingEvent> list = new ListAppender<>();
    list.setContext(context);
    list.start();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(list);
    CURRENT.set(context);
    logs.run();
    return list.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  private static final ThreadLocal<LoggerContext> CURRENT = new ThreadLocal<>();

  private static org.slf4j.Logger log(String name) {
    return CURRENT.get().getLogger(name);
  }

  @Test
  void connectionResetAndUnsentBytesOnCloseAreNotWarnings() {
    List<String> out =
        logged(
            Level.WARN,
            () -> {
              log("org.apache.sshd.client.session.ClientSessionImpl")
                  .warn(
                      CAUGHT,
                      "ClientSessionImpl[a@/127.0.0.1:2222]",
                      "Opened",
                      "IOException",
                      "Connection reset");
              log("dev.walship.server.ssh.AdmittingSessionFactory$GraceSession")
                  .warn(
                      CAUGHT,
                      "GraceSession[a@/127.0.0.1:5]",
                      "Opened",
                      "SocketException",
                      "Broken pipe");
              log("org.apache.sshd.common.channel.ChannelAsyncOutputStream")
                  .warn(
                      "doCloseImmediately({}): still have {} bytes of {} on closing channel",
                      "x",
                      181,
                      181);
              log("org.apache.sshd.client.session.ClientSessionImpl")
                  .warn(
                      CAUGHT,
                      "ClientSessionImpl[a@/127.0.0.1:2222]",
                      "Opened",
                      "SshException",
                      "KeyExchange signature verification failed");
              log("dev.walship.agent.sftp.Reconnector")
                  .warn("exceptionCaught({})[state={}] {}: {}", "ours", "x", "IOException", "y");
            });
    assertEquals(
        List.of(
            "exceptionCaught(ClientSessionImpl[a@/127.0.0.1:2222])[state=Opened] SshException: KeyExchange signature verification failed",
            "exceptionCaught(ours)[state=x] IOException: y"),
        out);
  }

  @Test
  void atDebugMinaSaysEverything() {
    List<String> out =
        logged(
            Level.DEBUG,
            () ->
                log("org.apache.sshd.client.session.ClientSessionImpl")
                    .warn(CAUGHT, "c", "Opened", "IOException", "Connection reset"));
    assertEquals(List.of("exceptionCaught(c)[state=Opened] IOException: Connection reset"), out);
  }
}
