package dev.walship.format.wal;

import java.io.IOException;

/** Bytes that are not a SQLite WAL header where one must be. */
public final class WalFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public WalFormatException(String message) {
    super(message);
  }
}
