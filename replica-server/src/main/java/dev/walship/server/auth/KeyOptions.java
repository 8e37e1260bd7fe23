package dev.walship.server.auth;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The options field of an authorized-keys line: {@code name} or {@code name="value"} items
 * separated by commas outside quotes, {@code \"} escaping a quote inside a value. Names are
 * case-insensitive (returned in lower case); a name without a value maps to null. {@code from} and
 * {@code command} may be given once, as in sshd ("multiple clauses" would otherwise let the last
 * one win).
 */
final class KeyOptions {
  private static final Set<String> ONCE = Set.of("from", "command");

  private KeyOptions() {}

  static Map<String, String> parse(String options) {
    Map<String, String> out = new LinkedHashMap<>();
    int i = 0;
    int n = options.length();
    while (i < n) {
      int start = i;
      while (i < n && options.charAt(i) != '=' && options.charAt(i) != ',') {
        i++;
      }
      String name = options.substring(start, i).trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        throw new IllegalArgumentException("empty option in '" + options + "'");
      }
      String value = null;
      if (i < n && options.charAt(i) == '=') {
        StringBuilder v = new StringBuilder();
        i = quoted(options, i + 1, v);
        value = v.toString();
      }
      if (out.containsKey(name) && ONCE.contains(name)) {
        throw new IllegalArgumentException("option '" + name + "' given twice");
      }
      out.put(name, value);
      if (i < n && options.charAt(i) != ',') {
        throw new IllegalArgumentException("expected ',' after option '" + name + "'");
      }
      i++;
    }
    return out;
  }

  /**
   * Reads {@code "…"} starting at {@code i} into {@code v}; returns the index after the closing
   * quote.
   */
  private static int quoted(String s, int i, StringBuilder v) {
    if (i >= s.length() || s.charAt(i) != '"') {
      throw new IllegalArgumentException("option value must be in double quotes");
    }
    for (i++; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
        v.append('"');
        i++;
      } else if (c == '"') {
        return i + 1;
      } else {
        v.append(c);
      }
    }
    throw new IllegalArgumentException("unbalanced quote in option value");
  }
}
