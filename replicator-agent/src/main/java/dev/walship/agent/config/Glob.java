package dev.walship.agent.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@code pattern:} of a directory entry, with Go's {@code filepath.Match} rules (as Litestream
 * v0.5 matches it): {@code *} any run of characters but {@code /}, {@code ?} one character but
 * {@code /}, {@code [abc]}, {@code [a-z]}, {@code [^a-z]} one character of (or not of) a class,
 * {@code \} escapes the next character. The whole name must match. A pattern Go would answer {@code
 * ErrBadPattern} for (on any name) is refused when it is read, not when a file comes by.
 */
public final class Glob {
  private sealed interface Token permits Literal, AnyOne, Star, CharClass {}

  private record Literal(int c) implements Token {}

  private record AnyOne() implements Token {}

  private record Star() implements Token {}

  private record CharClass(boolean negated, List<int[]> ranges) implements Token {
    boolean has(int c) {
      for (int[] r : ranges) {
        if (r[0] <= c && c <= r[1]) {
          return !negated;
        }
      }
      return negated;
    }
  }

  private final String pattern;
  private final List<Token> tokens;

  private Glob(String pattern, List<Token> tokens) {
    this.pattern = pattern;
    this.tokens = tokens;
  }

  /**
   * Compiles {@code pattern}.
   *
   * @throws IllegalArgumentException naming what is wrong (Go's {@code ErrBadPattern})
   */
  public static Glob compile(String pattern) {
    Objects.requireNonNull(pattern);
    int[] cps = pattern.codePoints().toArray();
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < cps.length) {
      int c = cps[i];
      if (c == '*') {
        out.add(new Star());
        i++;
      } else if (c == '?') {
        out.add(new AnyOne());
        i++;
      } else if (c == '\\') {
        if (i + 1 >= cps.length) {
          throw bad(pattern, "ends with a lone \\");
        }
        out.add(new Literal(cps[i + 1]));
        i += 2;
      } else if (c == '[') {
        i = charClass(pattern, cps, i + 1, out);
      } else {
        out.add(new Literal(c));
        i++;
      }
    }
    return new Glob(pattern, List.copyOf(out));
  }

  /** Reads a class after its {@code [}; returns the index after its {@code ]}. */
  private static int charClass(String pattern, int[] cps, int i, List<Token> out) {
    boolean negated = i < cps.length && cps[i] == '^';
    if (negated) {
      i++;
    }
    List<int[]> ranges = new ArrayList<>();
    while (true) {
      if (i < cps.length && cps[i] == ']' && !ranges.isEmpty()) {
        out.add(new CharClass(negated, List.copyOf(ranges)));
        return i + 1;
      }
      int[] lo = escaped(pattern, cps, i);
      i = lo[1];
      int hi = lo[0];
      if (i < cps.length && cps[i] == '-') {
        int[] h = escaped(pattern, cps, i + 1);
        hi = h[0];
        i = h[1];
      }
      ranges.add(new int[] {lo[0], hi});
    }
  }

  /** One class character at {@code i} (maybe escaped): {value, next index}. */
  private static int[] escaped(String pattern, int[] cps, int i) {
    if (i >= cps.length) {
      throw bad(pattern, "a [ class is not closed with ]");
    }
    int c = cps[i];
    if (c == '-' || c == ']') {
      throw bad(
          pattern,
          "'" + (char) c + "' must be escaped (\\" + (char) c + ") at this place of a [ class");
    }
    if (c == '\\') {
      if (i + 1 >= cps.length) {
        throw bad(pattern, "a [ class is not closed with ]");
      }
      return new int[] {cps[i + 1], i + 2};
    }
    return new int[] {c, i + 1};
  }

  private static IllegalArgumentException bad(String pattern, String why) {
    return new IllegalArgumentException("\"" + pattern + "\" is not a valid pattern: " + why);
  }

  /** Whether all of {@code name} matches. */
  public boolean matches(String name) {
    return match(0, codePoints(name), 0);
  }

  /** The code points of {@code name} (without a stream: this runs for every file event). */
  private static int[] codePoints(String name) {
    int[] cps = new int[name.codePointCount(0, name.length())];
    for (int i = 0, j = 0; j < cps.length; j++) {
      cps[j] = name.codePointAt(i);
      i += Character.charCount(cps[j]);
    }
    return cps;
  }

  private boolean match(int t, int[] s, int j) {
    while (t < tokens.size()) {
      Token tok = tokens.get(t);
      if (tok instanceof Star) {
        for (int k = j; k <= s.length; k++) {
          if (match(t + 1, s, k)) {
            return true;
          }
          if (k < s.length && s[k] == '/') {
            return false;
          }
        }
        return false;
      }
      if (j >= s.length || s[j] == '/' && !(tok instanceof Literal)) {
        return false;
      }
      boolean ok =
          tok instanceof Literal l
              ? l.c() == s[j]
              : tok instanceof CharClass c ? c.has(s[j]) : true; // AnyOne

      if (!ok) {
        return false;
      }
      t++;
      j++;
    }
    return j == s.length;
  }

  @Override
  public String toString() {
    return pattern;
  }
}
