package dev.walship.toolkit.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Refuses keys a mapping must not have: unknown ones (Litestream ignores them; a typo would then
 * silently fall back to a default), and keys a program does not support, each with its reason. An
 * unknown key within two edits of a known one is named: {@code did you mean retention?}.
 */
public final class Keys {
  private Keys() {}

  /**
   * @param what what the mapping is ("replica"), for the message
   * @param known the keys it takes, in groups, in the order the message lists them
   * @param refused keys refused with a reason
   * @param hints unknown keys with a better message than "unknown key"
   */
  public static void check(
      YamlMapping m,
      String what,
      List<List<String>> known,
      Map<String, String> refused,
      Map<String, String> hints)
      throws ConfigException {
    List<String> all = new ArrayList<>();
    known.forEach(all::addAll);
    for (String key : m.keys()) {
      if (all.contains(key)) {
        continue;
      }
      if (refused.containsKey(key)) {
        throw m.keyError(key, refused.get(key));
      }
      if (hints.containsKey(key)) {
        throw m.keyError(key, hints.get(key));
      }
      String near = nearest(key, all);
      throw m.keyError(
          key,
          near != null
              ? "unknown key; did you mean " + near + "?"
              : "unknown key; " + what + " takes " + String.join(", ", all));
    }
  }

  /** The known key within two edits of {@code key}, or null. */
  static String nearest(String key, List<String> known) {
    String best = null;
    int bestDistance = 3;
    for (String k : known) {
      int d = distance(key, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best;
  }

  /** Levenshtein distance, case-insensitive, '_' counted as '-'. */
  private static int distance(String a, String b) {
    a = a.toLowerCase(Locale.ROOT).replace('_', '-');
    b = b.toLowerCase(Locale.ROOT).replace('_', '-');
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
