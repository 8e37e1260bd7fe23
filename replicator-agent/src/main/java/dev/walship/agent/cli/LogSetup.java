package dev.walship.agent.cli;

import dev.walship.agent.config.LoggingConfig;

/**
 * Applies the config's {@code logging:} section to slf4j-simple, before the first logger exists:
 * level, and standard output or error. Lines carry a timestamp and the logger's short name.
 * ({@code type: json} is accepted by the config but slf4j-simple writes text only.) MINA SSHD's
 * own logging is limited to warnings.
 */
final class LogSetup {
  private LogSetup() {}

  static void apply(LoggingConfig logging) {
    set("org.slf4j.simpleLogger.defaultLogLevel", logging.level().name().toLowerCase(java.util.Locale.ROOT));
    set("org.slf4j.simpleLogger.logFile", logging.stderr() ? "System.err" : "System.out");
    set("org.slf4j.simpleLogger.showDateTime", "true");
    set("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    set("org.slf4j.simpleLogger.showShortLogName", "true");
    set("org.slf4j.simpleLogger.showThreadName", "false");
    set("org.slf4j.simpleLogger.log.org.apache.sshd", "warn");
  }

  private static void set(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
