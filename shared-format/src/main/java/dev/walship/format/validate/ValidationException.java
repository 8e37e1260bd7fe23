package dev.walship.format.validate;

import java.io.IOException;

/**
 * A layout file whose content is not what its name promises. The message names the file and says
 * expected vs actual, e.g. {@code segment 00000001_00001038: frame 3 salt 0x… != header salt 0x…}.
 */
public final class ValidationException extends IOException {
  private static final long serialVersionUID = 1L;

  public ValidationException(String message) {
    super(message);
  }

  public ValidationException(String message, Throwable cause) {
    super(message, cause);
  }
}
