package dev.walship.toolkit.json;

import java.util.Locale;

/** JSON text for the few objects walship prints (log lines, {@code status -json}). */
public final class Json {
  private Json() {}

  /** {@code s} as a JSON string literal, with RFC 8259's escapes. */
  public static String quote(String s) {
    return quote(new StringBuilder(s.length() + 2), s).toString();
  }

  /** Appends {@code s} to {@code out} as a JSON string literal; returns {@code out}. */
  public static StringBuilder quote(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"');
  }
}
