package dev.walship.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Go's os.ExpandEnv rules (cases as in Go's TestExpand, and what Litestream's binary shows). */
class EnvExpanderTest {
  private static final Map<String, String> ENV =
      Map.of(
          "HOME",
          "/usr/gopher",
          "H",
          "(Value for H)",
          "home_1",
          "/usr/foo",
          "_",
          "underscore",
          "*",
          "all the args",
          "#",
          "NARGS",
          "$",
          "PID",
          "1",
          "ARGUMENT1",
          "A-B",
          "dash");

  @ParameterizedTest(name = "[{0}] -> [{1}]")
  @CsvSource(
      delimiter = '|',
      emptyValue = "",
      value = {
        "''|''",
        "$*|all the args",
        "$$|PID",
        "${*}|all the args",
        "$1|ARGUMENT1",
        "${1}|ARGUMENT1",
        "now is the time|now is the time",
        "$HOME|/usr/gopher",
        "$home_1|/usr/foo",
        "${HOME}|/usr/gopher",
        "${H}home|(Value for H)home",
        "${H}${H}|(Value for H)(Value for H)",
        "$_|underscore",
        "${A-B}|dash",
        "start$+middle$^end$|start$+middle$^end$",
        "mixed$|mixed$",
        "$|$",
        "$}|$}",
        "${|''",
        "${}|''",
        "a${}b|ab",
        "a${b|ab",
        "$HOME/x$|/usr/gopher/x$",
        "$UNSET|''",
        "${UNSET}x|x",
        "$HOME1|''",
        "pre$HOMEsuf|pre",
        "$1x|ARGUMENT1x",
        "$-|''",
        "caf$\u00e9|caf$\u00e9",
        "${H}}|(Value for H)}",
      })
  void expandsAsGo(String in, String out) {
    assertEquals(strip(out), EnvExpander.expand(strip(in), ENV));
  }

  private static String strip(String s) {
    return s.equals("''") ? "" : s;
  }

  @Test
  void textWithoutDollarIsReturnedAsIs() {
    String s = "dbs:\n  - path: /a\n";
    assertSame(s, EnvExpander.expand(s, ENV));
  }

  @Test
  void expandsAcrossTheWholeFileIncludingComments() {
    assertEquals(
        "# home is /usr/gopher\npath: /usr/gopher/db\n",
        EnvExpander.expand("# home is $HOME\npath: ${HOME}/db\n", ENV));
  }
}
