package dev.walship.format.store;

import java.time.Instant;

/** One directory entry of a replica store: its name (no slashes), kind, size and mtime. */
public record Entry(String name, boolean directory, long size, Instant modified) {
  public Entry {
    if (name.isEmpty() || name.indexOf('/') >= 0) {
      throw new IllegalArgumentException("entry name must be one path component: '" + name + "'");
    }
  }
}
