package dev.walship.agent.cli;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Timestamps as Litestream prints them: Go's {@code time.RFC3339} of a UTC time, whole seconds. */
final class Times {
  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private Times() {}

  static String rfc3339(Instant t) {
    return RFC3339.format(t.truncatedTo(ChronoUnit.SECONDS));
  }
}
