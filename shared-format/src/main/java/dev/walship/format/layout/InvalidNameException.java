package dev.walship.format.layout;

/** A name or path that is not part of the replica layout; {@link #reason()} says why. */
public final class InvalidNameException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final String reason;

  public InvalidNameException(String name, String reason) {
    super(name + ": " + reason);
    this.name = name;
    this.reason = reason;
  }

  /** The rejected name or path, as given. */
  public String name() {
    return name;
  }

  /** Why it was rejected, e.g. {@code uppercase hex digit 'A' at position 3}. */
  public String reason() {
    return reason;
  }
}
