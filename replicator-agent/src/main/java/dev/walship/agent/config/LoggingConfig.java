package dev.walship.agent.config;

import java.util.Objects;

/**
 * The {@code logging:} section, as in Litestream v0.3.13: level {@code info}, text lines, written
 * to standard output unless {@code stderr: true}.
 *
 * @param level the least severe level written
 * @param format {@code text} ({@code key=value} lines) or {@code json}
 * @param stderr true: log to standard error instead of standard output
 */
public record LoggingConfig(Level level, Format format, boolean stderr) {

  /** Log levels, in increasing severity. */
  public enum Level {
    DEBUG,
    INFO,
    WARN,
    ERROR
  }

  /** Log line formats. */
  public enum Format {
    TEXT,
    JSON
  }

  public static final LoggingConfig DEFAULTS = new LoggingConfig(Level.INFO, Format.TEXT, false);

  public LoggingConfig {
    Objects.requireNonNull(level);
    Objects.requireNonNull(format);
  }
}
