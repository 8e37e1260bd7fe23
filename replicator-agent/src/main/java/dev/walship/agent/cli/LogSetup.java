package dev.walship.agent.cli;

import dev.walship.agent.config.LoggingConfig;
import dev.walship.toolkit.logging.LogFormat;
import dev.walship.toolkit.logging.LogTarget;
import dev.walship.toolkit.logging.Logging;
import org.slf4j.event.Level;

/**
 * The agent's logging: every command starts logging INFO and above as text to standard error
 * ({@link #defaults()}, called by {@code Main} first); {@code replicate} then applies the config's
 * {@code logging:} section (level, standard output or error, text or JSON lines). The AWS SDK's own
 * loggers log warnings only, at any level: their debug lines describe requests, and S3 errors reach
 * the log through the S3 store's messages, which never show keys.
 */
public final class LogSetup {
  /** The AWS SDK's loggers. */
  private static final String AWS_SDK = "software.amazon.awssdk";

  private LogSetup() {}

  /** What every command logs with until a config says otherwise. */
  public static void defaults() {
    Logging.configure(Level.INFO, LogFormat.TEXT, LogTarget.STDERR, AWS_SDK);
  }

  /** The config's {@code logging:} section. */
  static void apply(LoggingConfig logging) {
    Logging.configure(
        Level.valueOf(logging.level().name()),
        logging.format() == LoggingConfig.Format.JSON ? LogFormat.JSON : LogFormat.TEXT,
        logging.stderr() ? LogTarget.STDERR : LogTarget.STDOUT,
        AWS_SDK);
  }
}
