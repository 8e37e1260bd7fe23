package dev.walship.toolkit.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import dev.walship.toolkit.json.Json;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * {@code logging.type: json}: one JSON object per record and line, as Litestream's JSON logs have
 * them: {@code {"time":…,"level":…,"logger":…,"msg":…}}, plus {@code "error"} with the stack trace
 * when the record carries an exception. The logger is its short name, as in the text format.
 */
final class JsonLineLayout extends LayoutBase<ILoggingEvent> {
  private final DateTimeFormatter time;

  JsonLineLayout(ZoneId zone) {
    this.time = DateTimeFormatter.ofPattern(Logging.TIME_PATTERN).withZone(zone);
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder j = new StringBuilder(160).append("{\"time\":");
    Json.quote(j, time.format(Instant.ofEpochMilli(event.getTimeStamp())));
    j.append(",\"level\":");
    Json.quote(j, event.getLevel().toString());
    j.append(",\"logger\":");
    Json.quote(j, shortName(event.getLoggerName()));
    j.append(",\"msg\":");
    Json.quote(j, event.getFormattedMessage());
    IThrowableProxy error = event.getThrowableProxy();
    if (error != null) {
      j.append(",\"error\":");
      Json.quote(j, ThrowableProxyUtil.asString(error).stripTrailing());
    }
    return j.append('}').append(CoreConstants.LINE_SEPARATOR).toString();
  }

  private static String shortName(String logger) {
    return logger.substring(logger.lastIndexOf('.') + 1);
  }
}
