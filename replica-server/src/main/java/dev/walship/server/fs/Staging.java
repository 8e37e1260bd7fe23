package dev.walship.server.fs;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The uploads one session is staging, by final name in the user's view: while a handle to a final
 * name is open, attribute reads and writes on that name (such as the {@code fsetstat} that sets the
 * mtime before close) apply to its temporary file, so they survive the rename.
 */
final class Staging {
  private final Map<List<String>, Deque<StagedUpload>> byName = new HashMap<>();

  synchronized void add(List<String> names, StagedUpload upload) {
    byName.computeIfAbsent(names, k -> new ArrayDeque<>()).push(upload);
  }

  synchronized void remove(List<String> names, StagedUpload upload) {
    Deque<StagedUpload> d = byName.get(names);
    if (d != null) {
      d.remove(upload);
      if (d.isEmpty()) {
        byName.remove(names);
      }
    }
  }

  /** The most recent staged upload to {@code names}, or null. */
  synchronized StagedUpload current(List<String> names) {
    Deque<StagedUpload> d = byName.get(names);
    return d == null ? null : d.peek();
  }
}
