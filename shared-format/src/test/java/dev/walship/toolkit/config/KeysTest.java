package dev.walship.toolkit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class KeysTest {
  private static String check(String yaml) {
    return assertThrows(
            ConfigException.class,
            () ->
                Keys.check(
                    YamlMapping.of("f.yml", "s", new Yaml().compose(new StringReader(yaml)), "m"),
                    "a section",
                    List.of(List.of("alpha", "beta-gamma"), List.of("delta")),
                    Map.of("old", "old is refused"),
                    Map.of("hint", "has a hint")))
        .getMessage();
  }

  @Test
  void unknownKeysAreNamedWithASuggestionOrTheList() {
    assertEquals("f.yml:2: s.alfa: unknown key; did you mean alpha?", check("delta: 1\nalfa: 1\n"));
    assertEquals(
        "f.yml:1: s.beta_gamma: unknown key; did you mean beta-gamma?", check("beta_gamma: 1\n"));
    assertEquals(
        "f.yml:1: s.zzz: unknown key; a section takes alpha, beta-gamma, delta", check("zzz: 1\n"));
  }

  @Test
  void refusedAndHintedKeysGetTheirOwnMessage() {
    assertEquals("f.yml:1: s.old: old is refused", check("old: 1\n"));
    assertEquals("f.yml:1: s.hint: has a hint", check("hint: 1\n"));
  }

  @Test
  void nearestNeedsAtMostTwoEdits() {
    assertEquals("retention", Keys.nearest("retension", List.of("retention", "path")));
    assertNull(Keys.nearest("compression", List.of("retention", "path")));
  }
}
