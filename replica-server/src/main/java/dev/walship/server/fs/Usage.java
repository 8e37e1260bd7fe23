package dev.walship.server.fs;

import java.util.OptionalLong;

/**
 * The bytes one user's files take, against its quota.
 *
 * <p>Usage is the sum of the sizes of the regular files under the user's writable directories,
 * uploads in progress included. It is counted once at start-up (one walk of the tree) and kept
 * current by every operation that changes it, all of which go through this server: bytes written
 * past a file's end add, removals, truncations, replaced targets and discarded uploads subtract. No
 * request walks the tree. Files an administrator adds behind the server's back count from the next
 * start.
 */
final class Usage {
  private final String user;
  private long quota;
  private long used;

  /**
   * @param quota the user's quota in bytes, if it has one
   */
  Usage(String user, OptionalLong quota) {
    this.user = user;
    quota(quota);
  }

  /** A reload's new quota: applies to the next write. */
  synchronized void quota(OptionalLong quota) {
    this.quota = quota.orElse(Long.MAX_VALUE);
  }

  /** Counts {@code bytes} more, or refuses (counting nothing) when that would pass the quota. */
  synchronized void add(long bytes) throws StorageRefusal {
    if (bytes <= 0) {
      return;
    }
    if (used + bytes > quota) {
      throw StorageRefusal.quota(user, used, quota, bytes);
    }
    used += bytes;
  }

  /** Counts {@code bytes} less. */
  synchronized void release(long bytes) {
    if (bytes > 0) {
      used = Math.max(0, used - bytes);
    }
  }

  /** Adds what start-up found on disk, whatever the quota. */
  synchronized void found(long bytes) {
    used += bytes;
  }

  synchronized long used() {
    return used;
  }
}
