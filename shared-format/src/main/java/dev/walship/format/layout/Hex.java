package dev.walship.format.layout;

/** Strict lowercase fixed-width hex, as the layout's names use it. */
final class Hex {
  private Hex() {}

  /**
   * Parses exactly {@code width} lowercase hex digits.
   *
   * @throws InvalidNameException naming {@code name} and the first problem found
   */
  static long parse(String digits, int width, String name, String what) {
    if (digits.length() != width) {
      throw new InvalidNameException(
          name, what + ": wrong width: expected " + width + " hex digits, got " + digits.length());
    }
    long value = 0;
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      int d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        throw new InvalidNameException(
            name, what + ": uppercase hex digit '" + c + "' (the layout uses lowercase only)");
      } else {
        throw new InvalidNameException(name, what + ": '" + c + "' is not a hex digit");
      }
      value = (value << 4) | d;
    }
    return value;
  }

  static String format(long value, int width) {
    String s = Long.toHexString(value);
    if (s.length() > width) {
      throw new IllegalArgumentException("0x" + s + " does not fit in " + width + " hex digits");
    }
    return "0".repeat(width - s.length()) + s;
  }
}
