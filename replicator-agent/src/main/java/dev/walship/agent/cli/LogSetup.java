package dev.walship.agent.cli;

import dev.walship.agent.config.LoggingConfig;

/**
 * Applies the config's {@code logging:} section to slf4j-simple, before the first logger exists:
 * level, and standard output or error. Lines carry a timestamp and the logger's short name; with
 * {@code type: json} the chosen stream is replaced by one that turns each record into a JSON
 * object ({@link JsonLogLines}; slf4j-simple looks the stream up at every record). MINA SSHD's
 * and the AWS SDK's own logging is limited to warnings.
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
    // the AWS SDK's debug lines describe requests; S3 errors reach the log through S3Errors only
    set("org.slf4j.simpleLogger.log.software.amazon.awssdk", "warn");
    set("org.slf4j.simpleLogger.levelInBrackets", "false"); // the form JsonLogLines parses
    if (logging.format() == LoggingConfig.Format.JSON) {
      if (logging.stderr()) {
        System.setErr(JsonLogLines.to(System.err));
      } else {
        System.setOut(JsonLogLines.to(System.out));
      }
    }
  }

  private static void set(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
