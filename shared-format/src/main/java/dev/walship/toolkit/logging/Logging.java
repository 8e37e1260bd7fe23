package dev.walship.toolkit.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The programs' logging, configured in code on logback (no logback.xml): one appender on standard
 * output or error, the level, and the format ({@link LogFormat}). Third-party libraries that talk
 * too much at INFO (MINA SSHD logs every connection) log warnings and errors only.
 *
 * <p>Only the programs ({@code replicator}, {@code replica-server}) call this. The agent is also a
 * library: its jar depends on slf4j-api alone (logback is an optional dependency, carried only by
 * the shaded program jars), so an application that embeds it keeps its own backend.
 */
public final class Logging {
  /** Timestamps: ISO 8601 in the local zone, to the millisecond ({@code Z} for UTC). */
  static final String TIME_PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";

  private static final String TEXT_PATTERN = "%d{" + TIME_PATTERN + "} %level %logger{0} - %msg%n";

  /** Libraries that log every connection at INFO: warnings and errors only. */
  private static final String MINA = "org.apache.sshd";

  private Logging() {}

  /**
   * Configures the logging of this process; does nothing when slf4j is not bound to logback.
   *
   * @param quiet more loggers that log warnings and errors only (MINA's classes always do; a
   *     subclass of a MINA class logs under its own name)
   */
  public static void configure(
      org.slf4j.event.Level level, LogFormat format, LogTarget target, String... quiet) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext context) {
      configure(context, level, format, target, quiet);
    }
  }

  /**
   * Configures {@code context} (for logback's configurator hook, which runs before slf4j is ready).
   */
  public static void configure(
      LoggerContext context,
      org.slf4j.event.Level level,
      LogFormat format,
      LogTarget target,
      String... quiet) {
    context.reset();
    Layout<ILoggingEvent> layout = layout(context, format);
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName(target.name().toLowerCase(java.util.Locale.ROOT));
    appender.setTarget(target == LogTarget.STDOUT ? "System.out" : "System.err");
    appender.setEncoder(encoder);
    appender.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(level.name()));
    root.addAppender(appender);
    context.getLogger(MINA).setLevel(Level.WARN);
    for (String name : quiet) {
      context.getLogger(name).setLevel(Level.WARN);
    }
    List<String> mina = new ArrayList<>(List.of(quiet));
    mina.add(MINA);
    OrdinaryDisconnects disconnects = new OrdinaryDisconnects(mina);
    disconnects.setContext(context);
    disconnects.start();
    context.addTurboFilter(disconnects);
  }

  private static Layout<ILoggingEvent> layout(LoggerContext context, LogFormat format) {
    Layout<ILoggingEvent> layout;
    if (format == LogFormat.JSON) {
      layout = new JsonLineLayout(ZoneId.systemDefault());
    } else {
      PatternLayout text = new PatternLayout();
      text.setPattern(TEXT_PATTERN);
      layout = text;
    }
    layout.setContext(context);
    layout.start();
    return layout;
  }
}
