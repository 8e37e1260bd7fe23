package dev.walship.server.config;

/**
 * An operator mistake in the configuration: the message is one line naming the file, the key (and
 * line) and what is wrong. Printed as is, never with a stack trace.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
