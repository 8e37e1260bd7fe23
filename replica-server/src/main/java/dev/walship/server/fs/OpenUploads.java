package dev.walship.server.fs;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The uploads one session has open, by name in the user's view: while a handle to a name is open,
 * attribute reads and writes on that name (such as the {@code fsetstat} that sets the mtime before
 * close, or a truncation) apply to its temporary file, so they survive the publication.
 */
final class OpenUploads {
  private final Map<List<String>, Deque<GuardedChannel>> byName = new HashMap<>();

  synchronized void add(List<String> names, GuardedChannel upload) {
    byName.computeIfAbsent(names, k -> new ArrayDeque<>()).push(upload);
  }

  synchronized void remove(List<String> names, GuardedChannel upload) {
    Deque<GuardedChannel> d = byName.get(names);
    if (d != null) {
      d.remove(upload);
      if (d.isEmpty()) {
        byName.remove(names);
      }
    }
  }

  /** The most recent open upload to {@code names}, or null. */
  synchronized GuardedChannel current(List<String> names) {
    Deque<GuardedChannel> d = byName.get(names);
    return d == null ? null : d.peek();
  }
}
