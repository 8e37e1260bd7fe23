package dev.walship.toolkit.logging;

/** How log records are written: Litestream's {@code logging.type}. */
public enum LogFormat {
  /** {@code 2026-11-27T14:00:00.123Z INFO Engine - message}, then any stack trace. */
  TEXT,
  /**
   * One JSON object per line: {@code time}, {@code level}, {@code logger}, {@code msg}, {@code
   * error}.
   */
  JSON
}
