package dev.walship.toolkit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class YamlMappingTest {
  private static YamlMapping read(String yaml) throws ConfigException {
    return YamlMapping.of("f.yml", "top", new Yaml().compose(new StringReader(yaml)), "a mapping");
  }

  private static String error(String yaml, ThrowingReader r) {
    return assertThrows(ConfigException.class, () -> r.read(read(yaml))).getMessage();
  }

  interface ThrowingReader {
    Object read(YamlMapping m) throws ConfigException;
  }

  @Test
  void stringsAreTheScalarTextWhateverTheirYamlType() throws ConfigException {
    YamlMapping m = read("a: 1234\nb: true\nc: 1.50\nd: 'quoted'\ne: ~\nf:\ng: \"null\"\n");
    assertEquals("1234", m.string("a"));
    assertEquals("true", m.string("b"));
    assertEquals("1.50", m.string("c"));
    assertEquals("quoted", m.string("d"));
    assertNull(m.string("e"));
    assertNull(m.string("f"));
    assertEquals("null", m.string("g"), "a quoted null is a string");
    assertNull(m.string("absent"));
    assertTrue(m.has("a"));
    assertFalse(m.has("e"));
  }

  @Test
  void typedValuesAndDefaults() throws ConfigException {
    YamlMapping m = read("d: 1h30m\ni: 1_000\nb: Off\n");
    assertEquals(Duration.ofMinutes(90), m.duration("d", Duration.ZERO));
    assertEquals(Duration.ofSeconds(7), m.duration("x", Duration.ofSeconds(7)));
    assertEquals(1000, m.integer("i", 0));
    assertEquals(5, m.integer("x", 5));
    assertFalse(m.bool("b", true));
    assertTrue(m.bool("x", true));
  }

  @Test
  void typeErrorsNameKeyPathAndLine() {
    assertEquals(
        "f.yml:2: top.d: \"1x\" is not a duration (e.g. 1s, 500ms, 1m)",
        error("a: 1\nd: 1x\n", m -> m.duration("d", Duration.ZERO)));
    assertEquals(
        "f.yml:1: top.i: \"2147483648\" is too large (the most is 2147483647)",
        error("i: 2147483648\n", m -> m.integer("i", 0)));
    assertEquals(
        "f.yml:1: top.i: \"-5\" is not a whole number (e.g. 1000)",
        error("i: -5\n", m -> m.integer("i", 0)));
    assertEquals(
        "f.yml:1: top.i: \"1e3\" is not a whole number (e.g. 1000)",
        error("i: 1e3\n", m -> m.integer("i", 0)));
    assertEquals(
        "f.yml:1: top.b: \"1\" is not a boolean (true or false)",
        error("b: 1\n", m -> m.bool("b", false)));
    assertEquals(
        "f.yml:2: top.s: expected a single value, found a mapping",
        error("s:\n  x: 1\n", m -> m.string("s")));
    assertEquals(
        "f.yml:1: top.d: \"9999999h\" is not a duration (e.g. 1s, 500ms, 1m)",
        error("d: 9999999h\n", m -> m.duration("d", Duration.ZERO)));
  }

  @Test
  void listsOfMappingsHaveIndexedPaths() throws ConfigException {
    List<YamlMapping> items = read("l:\n  - a: 1\n  - a: 2\n").mappings("l", "an item");
    assertEquals("top.l[1]", items.get(1).path());
    assertEquals(3, items.get(1).line());
    assertEquals(List.of(), read("l:\n").mappings("l", "an item"));
    assertEquals(
        "f.yml:3: top.l[1]: expected an item, found a list",
        error("l:\n  - a: 1\n  - [x]\n", m -> m.mappings("l", "an item")));
  }

  @Test
  void duplicateKeysAreErrors() {
    assertEquals(
        "f.yml:3: top.a: duplicate key (first at line 1)", error("a: 1\nb: 2\na: 3\n", m -> m));
  }

  @Test
  void mergeKeysFillWhatIsMissingInOrder() throws ConfigException {
    YamlMapping m =
        read("x: &x {a: 1, b: 1}\ny: &y {b: 2, c: 2}\nz:\n  <<: [*x, *y]\n  c: 3\n")
            .mapping("z", "z");
    assertEquals("1", m.string("a"));
    assertEquals("1", m.string("b"), "earlier merge sources win");
    assertEquals("3", m.string("c"), "explicit keys win");
    assertEquals(
        "f.yml:2: top.z: a merge (<<) takes a mapping, found the value \"1\"",
        error("z:\n  <<: 1\n", mm -> mm.mapping("z", "z")));
  }

  @Test
  void keysMustBeScalars() {
    assertEquals(
        "f.yml:1: top: keys must be plain words, found a list", error("? [a]\n: 1\n", m -> m));
  }

  @Test
  void notAMapping() {
    assertEquals(
        "f.yml:1: top: expected a mapping, found the value \"x\"",
        assertThrows(
                ConfigException.class,
                () ->
                    YamlMapping.of(
                        "f.yml", "top", new Yaml().compose(new StringReader("x")), "a mapping"))
            .getMessage());
  }
}
