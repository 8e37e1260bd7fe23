package dev.walship.format.validate;

import java.io.IOException;

/**
 * A layout file whose content is not what its name promises. The message names the file and says
 * expected vs actual, e.g. {@code segment 00000001_00001038: frame 3 salt 0x… != header salt 0x…}.
 */
public final class ValidationException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String reason;

  /**
   * {@code subject} names the file (e.g. {@code segment 00000001_00001038}); the message is
   * "subject: reason".
   */
  public ValidationException(String subject, String reason) {
    super(subject + ": " + reason);
    this.reason = reason;
  }

  public ValidationException(String subject, String reason, Throwable cause) {
    super(subject + ": " + reason, cause);
    this.reason = reason;
  }

  /** What is wrong, without the file's name: for callers that name the file their own way. */
  public String reason() {
    return reason;
  }
}
