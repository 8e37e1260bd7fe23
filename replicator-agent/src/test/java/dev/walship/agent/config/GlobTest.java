package dev.walship.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Go's own {@code filepath.Match} cases (path/filepath/match_test.go), as the rules to keep. */
class GlobTest {
  @ParameterizedTest(name = "{0} ~ {1}: {2}")
  @CsvSource(
      delimiter = ' ',
      quoteCharacter = '\'',
      value = {
        "abc abc true",
        "* abc true",
        "*c abc true",
        "a* a true",
        "a* abc true",
        "a* ab/c false",
        "a*/b abc/b true",
        "a*/b a/c/b false",
        "a*b*c*d*e*/f axbxcxdxe/f true",
        "a*b*c*d*e*/f axbxcxdxexxx/f true",
        "a*b*c*d*e*/f axbxcxdxe/xxx/f false",
        "a*b*c*d*e*/f axbxcxdxexxx/fff false",
        "a*b?c*x abxbbxdbxebxczzx true",
        "a*b?c*x abxbbxdbxebxczzy false",
        "ab[c] abc true",
        "ab[b-d] abc true",
        "ab[e-g] abc false",
        "ab[^c] abc false",
        "ab[^b-d] abc false",
        "ab[^e-g] abc true",
        "a\\*b a*b true",
        "a\\*b ab false",
        "a?b a☺b true",
        "a[^a]b a☺b true",
        "a???b a☺b false",
        "a[^a][^a][^a]b a☺b false",
        "[a-ζ]* α true",
        "*[a-ζ] A false",
        "a?b a/b false",
        "a*b a/b false",
        "[\\]a] ] true",
        "[\\-] - true",
        "[x\\-] x true",
        "[x\\-] - true",
        "[x\\-] z false",
        "[\\-x] x true",
        "[\\-x] - true",
        "[\\-x] a false",
        "*x xxx true",
        "a?b a\uD83D\uDE00b true",
        "a??b a\uD83D\uDE00b false",
        "*.db tenant-1.db true",
        "*.db tenant-1.db-wal false",
        "*.db .tenant-1.db-replicator false",
      })
  void matchesAsGoDoes(String pattern, String name, boolean expected) {
    assertEquals(expected, Glob.compile(pattern).matches(name));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"[]a]", "[-]", "[x-]", "[-x]", "\\", "[a-b-c]", "[", "[^", "[^bc", "a[", "a/b["})
  void refusesWhatGoCallsABadPattern(String pattern) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Glob.compile(pattern));
    assertEquals(
        true,
        e.getMessage().startsWith("\"" + pattern + "\" is not a valid pattern: "),
        e.getMessage());
  }
}
