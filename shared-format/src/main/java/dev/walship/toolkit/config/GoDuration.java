package dev.walship.toolkit.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Durations written the way Go's {@code time.ParseDuration} reads them ({@code 10s}, {@code 1h30m},
 * {@code 500ms}, {@code 1.5h}, {@code -2m}, {@code 0}), because litestream.yml holds Go durations,
 * and Go's {@code Duration.String()} for printing them as Litestream does ({@code 24h0m0s}).
 *
 * <p>Design note: a Go duration is a signed 64-bit count of nanoseconds. Parsing follows Go's
 * algorithm step by step (unsigned accumulation, the same overflow limits, fractions through a
 * double exactly as Go computes them) so that every string Go accepts gives the same nanoseconds
 * here and every string Go refuses is refused.
 */
public final class GoDuration {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final long SIGN_BIT = Long.MIN_VALUE; // 1<<63 as an unsigned value
  private static final Map<String, Long> UNITS =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "\u00b5s", 1_000L, // micro sign
          "\u03bcs", 1_000L, // Greek mu
          "ms", 1_000_000L,
          "s", NANOS_PER_SECOND,
          "m", 60 * NANOS_PER_SECOND,
          "h", 3600 * NANOS_PER_SECOND);

  private GoDuration() {}

  /**
   * Parses {@code text} as Go's {@code time.ParseDuration} does.
   *
   * @throws IllegalArgumentException with Go's reason ({@code missing unit}, {@code unknown unit
   *     "x"}, {@code invalid duration}) when Go would refuse it
   */
  public static Duration parse(String text) {
    String s = text;
    boolean negative = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      negative = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw invalid("invalid duration", text);
    }
    long total = 0; // unsigned
    int i = 0;
    while (i < s.length()) {
      Term term = term(s, i, text);
      total += term.nanos;
      if (Long.compareUnsigned(total, SIGN_BIT) > 0
          || Long.compareUnsigned(total, term.nanos) < 0) {
        throw invalid("invalid duration", text);
      }
      i = term.end;
    }
    if (negative) {
      return Duration.ofNanos(-total); // -(1<<63) wraps to Long.MIN_VALUE, as in Go
    }
    if (total < 0) { // 1<<63 does not fit a positive duration
      throw invalid("invalid duration", text);
    }
    return Duration.ofNanos(total);
  }

  /** One {@code <number><unit>} term starting at {@code from}: its nanoseconds and end index. */
  private record Term(long nanos, int end) {}

  /** Digits read from {@code start} to {@code end}: their value, and for a fraction its scale. */
  private record Digits(long value, double scale, int start, int end) {
    boolean present() {
      return end > start;
    }
  }

  private static Term term(String s, int from, String orig) {
    char c0 = s.charAt(from);
    if (!(c0 == '.' || isDigit(c0))) {
      throw invalid("invalid duration", orig);
    }
    Digits whole = leadingInt(s, from, orig);
    Digits frac = new Digits(0, 1, whole.end, whole.end);
    if (whole.end < s.length() && s.charAt(whole.end) == '.') {
      frac = leadingFraction(s, whole.end + 1);
    }
    if (!whole.present() && !frac.present()) {
      throw invalid("invalid duration", orig);
    }
    int i = frac.end;
    while (i < s.length() && s.charAt(i) != '.' && !isDigit(s.charAt(i))) {
      i++;
    }
    if (i == frac.end) {
      throw invalid("missing unit in duration", orig);
    }
    String u = s.substring(frac.end, i);
    Long unit = UNITS.get(u);
    if (unit == null) {
      throw new IllegalArgumentException(
          "unknown unit " + quote(u) + " in duration " + quote(orig));
    }
    if (Long.compareUnsigned(whole.value, Long.divideUnsigned(SIGN_BIT, unit)) > 0) {
      throw invalid("invalid duration", orig);
    }
    long nanos = whole.value * unit;
    if (frac.value > 0) {
      // Go computes the fraction's nanoseconds in float64, exactly like this.
      nanos += (long) ((double) frac.value * ((double) unit / frac.scale));
      if (Long.compareUnsigned(nanos, SIGN_BIT) > 0) {
        throw invalid("invalid duration", orig);
      }
    }
    return new Term(nanos, i);
  }

  /** Go's leadingInt: [0-9]* as an unsigned value of at most 1<<63, else invalid. */
  private static Digits leadingInt(String s, int from, String orig) {
    long x = 0;
    int i = from;
    for (; i < s.length() && isDigit(s.charAt(i)); i++) {
      if (Long.compareUnsigned(x, Long.divideUnsigned(SIGN_BIT, 10)) > 0) {
        throw invalid("invalid duration", orig);
      }
      x = x * 10 + (s.charAt(i) - '0');
      if (Long.compareUnsigned(x, SIGN_BIT) > 0) {
        throw invalid("invalid duration", orig);
      }
    }
    return new Digits(x, 1, from, i);
  }

  /** Go's leadingFraction: [0-9]*, precision gathered until it would overflow, then dropped. */
  private static Digits leadingFraction(String s, int from) {
    long x = 0;
    double scale = 1;
    boolean overflow = false;
    int i = from;
    for (; i < s.length() && isDigit(s.charAt(i)); i++) {
      if (overflow) {
        continue;
      }
      if (Long.compareUnsigned(x, Long.MAX_VALUE / 10) > 0) {
        overflow = true;
        continue;
      }
      long y = x * 10 + (s.charAt(i) - '0');
      if (Long.compareUnsigned(y, SIGN_BIT) > 0) {
        overflow = true;
        continue;
      }
      x = y;
      scale *= 10;
    }
    return new Digits(x, scale, from, i);
  }

  /** Go's largest duration, {@code 2562047h47m16.854775807s} (2^63-1 ns). */
  public static final Duration MAX = Duration.ofNanos(Long.MAX_VALUE);

  /** Go's smallest duration, {@code -2562047h47m16.854775808s}. */
  public static final Duration MIN = Duration.ofNanos(Long.MIN_VALUE);

  /**
   * {@code d} clamped to what a Go duration holds, as Go's {@code time.Time.Sub} saturates: a
   * difference of more than about 292 years is {@link #MAX} (or {@link #MIN}), not an overflow.
   */
  public static Duration saturate(Duration d) {
    return d.compareTo(MAX) > 0 ? MAX : d.compareTo(MIN) < 0 ? MIN : d;
  }

  /**
   * Formats {@code d} as Go's {@code Duration.String()}: {@code 0s}, {@code 1.5s}, {@code 250ms},
   * {@code 1m30s}, {@code 24h0m0s}. Sub-nanosecond parts are dropped.
   *
   * @throws ArithmeticException if {@code d} does not fit a Go duration (about 292 years)
   */
  public static String format(Duration d) {
    long n = d.toNanos();
    if (n == 0) {
      return "0s";
    }
    boolean negative = n < 0;
    long u = negative ? -n : n; // unsigned magnitude (Long.MIN_VALUE stays as 1<<63)
    StringBuilder out = new StringBuilder();
    if (Long.compareUnsigned(u, NANOS_PER_SECOND) < 0) {
      if (u < 1_000L) {
        out.append(u).append("ns");
      } else if (u < 1_000_000L) {
        appendFraction(out, u, 3).append("\u00b5s");
      } else {
        appendFraction(out, u, 6).append("ms");
      }
    } else {
      long seconds = Long.divideUnsigned(u, NANOS_PER_SECOND);
      long nanos = Long.remainderUnsigned(u, NANOS_PER_SECOND);
      long minutes = seconds / 60;
      long hours = minutes / 60;
      if (hours > 0) {
        out.append(hours).append('h');
      }
      if (minutes > 0) {
        out.append(minutes % 60).append('m');
      }
      appendFraction(out, (seconds % 60) * NANOS_PER_SECOND + nanos, 9).append('s');
    }
    return negative ? "-" + out : out.toString();
  }

  /** Appends {@code v / 10^prec} with the fraction's trailing zeros (and a bare point) left out. */
  private static StringBuilder appendFraction(StringBuilder out, long v, int prec) {
    long pow = 1;
    for (int i = 0; i < prec; i++) {
      pow *= 10;
    }
    out.append(v / pow);
    long frac = v % pow;
    if (frac != 0) {
      String digits = String.format(Locale.ROOT, "%0" + prec + "d", frac);
      int end = digits.length();
      while (digits.charAt(end - 1) == '0') {
        end--;
      }
      out.append('.').append(digits, 0, end);
    }
    return out;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static IllegalArgumentException invalid(String reason, String orig) {
    return new IllegalArgumentException(reason + " " + quote(orig));
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
