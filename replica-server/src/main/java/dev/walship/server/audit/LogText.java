package dev.walship.server.audit;

import java.util.Locale;

/**
 * Escapes values for log lines of the form {@code event key=value key=value: free text}.
 *
 * <p>{@link #field} leaves a value bare when it is made only of letters, digits and {@code
 * ._/:@+,%~=^-} (user names, addresses, plain paths, fingerprints), and otherwise writes it in
 * double quotes with Go-style escapes: {@code \"}, {@code \\}, {@code \n}, {@code \r}, {@code \t},
 * and {@code \}{@code u00XX} for any other control, format or line-separator character. So a value
 * never holds a line break, and a space or quote inside it cannot start another field. {@link
 * #text} escapes the same characters in the free text that ends a line (a reason), without quotes.
 * Printable non-ASCII letters stay as they are.
 */
public final class LogText {
  private LogText() {}

  /** {@code value} as one field value: bare when safe, else quoted and escaped. */
  public static String field(Object value) {
    String s = String.valueOf(value);
    if (!s.isEmpty() && s.chars().allMatch(LogText::bare)) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length() + 8).append('"');
    escape(s, out, true);
    return out.append('"').toString();
  }

  /** {@code text} with every character that could end or fake a line escaped. */
  public static String text(Object text) {
    String s = String.valueOf(text);
    StringBuilder out = new StringBuilder(s.length());
    escape(s, out, false);
    return out.toString();
  }

  private static boolean bare(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "._/:@+,%~=^-".indexOf(c) >= 0;
  }

  private static void escape(String s, StringBuilder out, boolean quoted) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '"' -> out.append(quoted ? "\\\"" : "\"");
        default -> {
          if (unsafe(c)) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
  }

  /**
   * Control, format (such as bidirectional overrides), line/paragraph separators, lone surrogates.
   */
  private static boolean unsafe(char c) {
    int type = Character.getType(c);
    return Character.isISOControl(c)
        || type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.SURROGATE
        || type == Character.UNASSIGNED
        || type == Character.PRIVATE_USE;
  }
}
