package dev.walship.server.content;

import java.util.LinkedHashMap;
import java.util.Map;

/** The bounded memories of this package: maps that forget their least recently used entry. */
final class Lru {
  private Lru() {}

  /** A map in access order holding at most {@code entries}; not thread-safe. */
  static <K, V> Map<K, V> map(int entries) {
    return new LinkedHashMap<>(64, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > entries;
      }
    };
  }
}
