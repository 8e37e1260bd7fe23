package dev.walship.toolkit.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import java.util.Set;
import org.slf4j.Marker;

/**
 * Keeps MINA SSHD's warnings about an ordinary disconnect out of the log unless MINA's loggers are
 * at debug: {@code exceptionCaught(…)[state=Opened] IOException: Connection reset} (the peer went
 * away) and {@code doCloseImmediately(…): still have N bytes of M on closing channel} (a channel
 * closed with data in flight). Both programs log such a disconnect once in their own words (the
 * agent: "connection #n was lost; reconnecting"; the server: the audit's {@code logout} line), so
 * MINA's lines only repeated it as a warning. Any other MINA warning passes.
 */
final class OrdinaryDisconnects extends TurboFilter {
  private static final Set<String> IO_FAILURES =
      Set.of(
          "IOException",
          "SocketException",
          "EOFException",
          "ClosedChannelException",
          "AsynchronousCloseException",
          "ConnectException");

  private final List<String> loggers;

  /**
   * @param loggers names (and prefixes) of MINA's loggers: its package, and our subclasses of its
   *     classes
   */
  OrdinaryDisconnects(List<String> loggers) {
    this.loggers = List.copyOf(loggers);
  }

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level != Level.WARN
        || format == null
        || !fromMina(logger)
        || logger.getEffectiveLevel().toInt() <= Level.DEBUG_INT) {
      return FilterReply.NEUTRAL;
    }
    return ordinary(format, params) ? FilterReply.DENY : FilterReply.NEUTRAL;
  }

  static boolean ordinary(String format, Object[] params) {
    if (format.startsWith("exceptionCaught({})[state={}] {}: {}")) {
      return params != null
          && params.length >= 3
          && IO_FAILURES.contains(String.valueOf(params[2]));
    }
    return format.startsWith("doCloseImmediately({}): still have {} bytes");
  }

  private boolean fromMina(Logger logger) {
    String name = logger.getName();
    for (String l : loggers) {
      if (name.equals(l) || name.startsWith(l + ".") || name.startsWith(l + "$")) {
        return true;
      }
    }
    return false;
  }
}
