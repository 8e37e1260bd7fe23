package dev.walship.agent.config;

import java.util.Map;

/**
 * Expands {@code $VAR} and {@code ${VAR}} in a config file's text with Go's {@code os.ExpandEnv}
 * rules, as Litestream does before it parses the YAML:
 *
 * <ul>
 *   <li>{@code $NAME}: NAME is the longest run of {@code [A-Za-z0-9_]}; {@code ${NAME}} runs to the
 *       first {@code }}; {@code $1}, {@code $$}, {@code $*} … are one-character names;
 *   <li>an unset variable expands to the empty string;
 *   <li>{@code $} not followed by a name stays as it is ({@code a$/b}, {@code $} at the end);
 *   <li>bad syntax is eaten: {@code ${}} disappears, an unclosed {@code ${} loses its {@code ${}.
 * </ul>
 */
final class EnvExpander {
  private EnvExpander() {}

  static String expand(String s, Map<String, String> env) {
    StringBuilder out = null;
    int copied = 0;
    for (int j = 0; j < s.length(); j++) {
      if (s.charAt(j) != '$' || j + 1 >= s.length()) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(s.length() * 2);
      }
      out.append(s, copied, j);
      Name name = shellName(s, j + 1);
      if (name.name.isEmpty() && name.width > 0) {
        // bad syntax: the characters are dropped
      } else if (name.name.isEmpty()) {
        out.append('$');
      } else {
        out.append(env.getOrDefault(name.name, ""));
      }
      j += name.width;
      copied = j + 1;
    }
    return out == null ? s : out.append(s, copied, s.length()).toString();
  }

  /** A variable name found after a {@code $} and how many characters it used. */
  private record Name(String name, int width) {}

  private static Name shellName(String s, int at) {
    char c = s.charAt(at);
    if (c == '{') {
      if (s.length() > at + 2 && isSpecial(s.charAt(at + 1)) && s.charAt(at + 2) == '}') {
        return new Name(s.substring(at + 1, at + 2), 3);
      }
      for (int i = at + 1; i < s.length(); i++) {
        if (s.charAt(i) == '}') {
          if (i == at + 1) {
            return new Name("", 2); // "${}"
          }
          return new Name(s.substring(at + 1, i), i - at + 1);
        }
      }
      return new Name("", 1); // "${" without "}"
    }
    if (isSpecial(c)) {
      return new Name(String.valueOf(c), 1);
    }
    int i = at;
    while (i < s.length() && isAlphaNum(s.charAt(i))) {
      i++;
    }
    return new Name(s.substring(at, i), i - at);
  }

  private static boolean isSpecial(char c) {
    return "*#$@!?-0123456789".indexOf(c) >= 0;
  }

  private static boolean isAlphaNum(char c) {
    return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
