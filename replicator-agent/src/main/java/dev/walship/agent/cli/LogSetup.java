package dev.walship.agent.cli;

import dev.walship.agent.config.LoggingConfig;
import dev.walship.toolkit.logging.LogFormat;
import dev.walship.toolkit.logging.LogTarget;
import dev.walship.toolkit.logging.Logging;
import org.slf4j.event.Level;

/**
 * The agent's logging: every command starts logging INFO and above as text to standard error
 * ({@link #defaults()}, called by {@code Main} first); {@code replicate} then applies the config's
 * {@code logging:} section (level, standard output or error, text or JSON lines).
 */
public final class LogSetup {
  private LogSetup() {}

  /** What every command logs with until a config says otherwise. */
  public static void defaults() {
    Logging.configure(Level.INFO, LogFormat.TEXT, LogTarget.STDERR);
  }

  /** The config's {@code logging:} section. */
  static void apply(LoggingConfig logging) {
    Logging.configure(
        Level.valueOf(logging.level().name()),
        logging.format() == LoggingConfig.Format.JSON ? LogFormat.JSON : LogFormat.TEXT,
        logging.stderr() ? LogTarget.STDERR : LogTarget.STDOUT);
  }
}
