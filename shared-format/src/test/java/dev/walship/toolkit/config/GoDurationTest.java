package dev.walship.toolkit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Cases follow Go's own tests of time.ParseDuration and Duration.String. */
class GoDurationTest {
  private static final long MAX = Long.MAX_VALUE;
  private static final long MIN = Long.MIN_VALUE;

  @ParameterizedTest(name = "{0} = {1}ns")
  @CsvSource(
      delimiter = '|',
      value = {
        "0|0",
        "5s|5000000000",
        "30s|30000000000",
        "1478s|1478000000000",
        "-5s|-5000000000",
        "+5s|5000000000",
        "-0|0",
        "+0|0",
        "5.0s|5000000000",
        "5.6s|5600000000",
        "5.s|5000000000",
        ".5s|500000000",
        "1.0s|1000000000",
        "1.00s|1000000000",
        "1.004s|1004000000",
        "1.0040s|1004000000",
        "100.00100s|100001000000",
        "10ns|10",
        "11us|11000",
        "12\u00b5s|12000",
        "12\u03bcs|12000",
        "13ms|13000000",
        "14s|14000000000",
        "15m|900000000000",
        "16h|57600000000000",
        "3h30m|12600000000000",
        "10.5s4m|250500000000",
        "-2m3.4s|-123400000000",
        "1h2m3s4ms5us6ns|3723004005006",
        "39h9m14.425s|140954425000000",
        "52763797000ns|52763797000",
        "0.3333333333333333333h|1200000000000",
        "9007199254740993ns|9007199254740993",
        "9223372036854775807ns|" + MAX,
        "9223372036854775.807us|" + MAX,
        "9223372036s854ms775us807ns|" + MAX,
        "-9223372036854775808ns|" + MIN,
        "-9223372036854775.808us|" + MIN,
        "-9223372036s854ms775us808ns|" + MIN,
        "-2562047h47m16.854775808s|" + MIN,
        "0.100000000000000000000h|360000000000",
        "0.830103483285477580700h|2988372539827",
        "24h|86400000000000",
        "1h30m|5400000000000",
        "500ms|500000000",
      })
  void parsesAsGoDoes(String text, long nanos) {
    assertEquals(Duration.ofNanos(nanos), GoDuration.parse(text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "3",
        "-",
        "s",
        ".",
        "-.",
        ".s",
        "+.s",
        "1d",
        "1 s",
        " 1s",
        "1s ",
        "1x",
        "1S",
        "1h-1m",
        "9223372036854775808ns",
        "9223372036854775.808us",
        "9223372036854ms775us808ns",
        "-9223372036854775809ns",
        "3000000h",
      })
  void refusesWhatGoRefuses(String text) {
    assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(text));
  }

  @Test
  void reasonsAreGos() {
    assertEquals(
        "missing unit in duration \"10\"",
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("10")).getMessage());
    assertEquals(
        "unknown unit \"d\" in duration \"1d\"",
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("1d")).getMessage());
    assertEquals(
        "invalid duration \"\"",
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("")).getMessage());
  }

  @ParameterizedTest(name = "{1}ns prints {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0s|0",
        "1ns|1",
        "1.1\u00b5s|1100",
        "2.2ms|2200000",
        "3.3s|3300000000",
        "4m5s|245000000000",
        "4m5.001s|245001000000",
        "5h6m7.001s|18367001000000",
        "8m0.000000001s|480000000001",
        "2562047h47m16.854775807s|" + MAX,
        "-2562047h47m16.854775808s|" + MIN,
        "24h0m0s|86400000000000",
        "1h0m0s|3600000000000",
        "1s|1000000000",
        "-1.5s|-1500000000",
        "1m0s|60000000000",
      })
  void formatsAsGoDoes(String text, long nanos) {
    assertEquals(text, GoDuration.format(Duration.ofNanos(nanos)));
  }

  @Test
  void formatRoundTrips() {
    for (String s : new String[] {"1h30m0s", "72h0m0s", "250ms", "1.5s", "-3m0.5s"}) {
      assertEquals(s, GoDuration.format(GoDuration.parse(s)));
    }
  }

  @Test
  void formatRefusesWhatGoCannotHold() {
    assertThrows(ArithmeticException.class, () -> GoDuration.format(Duration.ofDays(365L * 300)));
  }
}
