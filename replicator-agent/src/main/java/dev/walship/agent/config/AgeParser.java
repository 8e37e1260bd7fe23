package dev.walship.agent.config;

import dev.walship.agent.age.AgeKeys;
import dev.walship.toolkit.config.ConfigException;
import dev.walship.toolkit.config.Keys;
import dev.walship.toolkit.config.YamlMapping;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a replica's {@code age:} mapping ({@code identities}, {@code recipients}: lists of key
 * texts) into {@link AgeKeys}, checked at once: every key parses, at least one key is given, and
 * when both lists are set the identities open what is encrypted to the recipients. Errors name the
 * list item's line and never show a secret key.
 */
final class AgeParser {
  static final List<String> KEYS = List.of("identities", "recipients");

  private AgeParser() {}

  /** The keys of {@code m}'s {@code age:}, or null when it has none. */
  static AgeKeys read(YamlMapping replica) throws ConfigException {
    YamlMapping m = replica.mapping("age", "a mapping (identities, recipients)");
    if (m == null) {
      return null;
    }
    Keys.check(m, "age", List.of(KEYS), Map.of(), Map.of());
    List<YamlMapping.Scalar> ids = m.scalars("identities");
    List<YamlMapping.Scalar> recs = m.scalars("recipients");
    if (ids.isEmpty() && recs.isEmpty()) {
      throw replica.keyError(
          "age",
          "age: needs identities (AGE-SECRET-KEY-1…, to restore) and recipients (age1…, to replicate)");
    }
    List<String> idTexts = new ArrayList<>();
    for (YamlMapping.Scalar s : ids) {
      idTexts.add(s.value());
      check(m, s, List.of(s.value()), List.of());
    }
    List<String> recTexts = new ArrayList<>();
    for (YamlMapping.Scalar s : recs) {
      recTexts.add(s.value());
      check(m, s, List.of(), List.of(s.value()));
    }
    AgeKeys keys = AgeKeys.parse(idTexts, recTexts);
    try {
      keys.checkReadBack();
    } catch (IllegalArgumentException e) {
      throw replica.keyError("age", e.getMessage());
    }
    return keys;
  }

  /** Parses one item alone, to place its error at its own line. */
  private static void check(
      YamlMapping m, YamlMapping.Scalar item, List<String> ids, List<String> recs)
      throws ConfigException {
    try {
      AgeKeys.parse(ids, recs);
    } catch (IllegalArgumentException e) {
      String problem = e.getMessage().replaceFirst("^(identities|recipients)\\[0\\]: ", "");
      throw m.error(item, problem);
    }
  }
}
