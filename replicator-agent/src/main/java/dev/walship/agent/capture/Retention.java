package dev.walship.agent.capture;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which shadow files may go. In the current generation an index is kept while a registered replica
 * has not shipped it completely, while it is the current or (with no replica registered in this
 * generation) the previous index, and from the index of the saved page image on (a restart replays
 * from there). A replica positioned in another generation needs a new snapshot anyway and keeps
 * nothing of the current one. An older generation is kept while a replica positioned in it has not
 * shipped its last index to the end.
 */
final class Retention {
  private final MetaDir meta;

  /** Replica positions as last written to the meta directory (only their index matters there). */
  private final Map<String, Position> persisted = new HashMap<>();

  /**
   * The generation the last prune left alone on disk (no older generation kept), or null; with
   * {@link #heldFrom}, the lowest index it may have kept. A prune that keeps everything from an
   * index at or below it has nothing to delete (indices are only added above), so it skips the
   * directory listings: prune runs after every segment a replica ships.
   */
  private Generation tidy;

  private int heldFrom;

  Retention(MetaDir meta) {
    this.meta = meta;
  }

  /** Positions read back from the meta directory (already persisted). */
  void persisted(Map<String, Position> saved) {
    persisted.putAll(saved);
  }

  /** Writes replica positions whose generation or index changed since they were last written. */
  void persist(Map<String, Position> replicas) throws IOException {
    for (Map.Entry<String, Position> r : replicas.entrySet()) {
      Position p = r.getValue();
      Position was = persisted.get(r.getKey());
      if (was == null || !was.generation().equals(p.generation()) || was.index() != p.index()) {
        meta.writeReplica(r.getKey(), p);
        persisted.put(r.getKey(), p);
      }
    }
  }

  /**
   * Deletes what is no longer needed.
   *
   * @param end the end of the captured history
   * @param imageIndex the index of the saved page image in the current generation
   * @param replicas the last shipped position of every registered replica
   */
  void prune(Position end, int imageIndex, Map<String, Position> replicas) throws IOException {
    Generation g = end.generation();
    int keepFrom = keepFrom(end, imageIndex, replicas);
    if (g.equals(tidy) && keepFrom <= heldFrom) {
      return;
    }
    tidy = null;
    for (Map.Entry<Integer, Path> e : meta.shadowIndices(g).entrySet()) {
      if (e.getKey() < keepFrom) {
        Files.deleteIfExists(e.getValue());
      }
    }
    boolean oldKept = false;
    for (Generation old : meta.generations()) {
      if (!old.equals(g)) {
        if (pinned(old, replicas)) {
          oldKept = true;
        } else {
          meta.deleteGeneration(old);
        }
      }
    }
    if (!oldKept) {
      tidy = g;
      heldFrom = keepFrom;
    }
  }

  /** The lowest index of the current generation that must be kept. */
  int keepFrom(Position end, int imageIndex, Map<String, Position> replicas) throws IOException {
    int keep = Math.min(end.index(), imageIndex);
    boolean any = false;
    for (Position r : replicas.values()) {
      if (!r.generation().equals(end.generation())) {
        continue;
      }
      any = true;
      keep = Math.min(keep, complete(r, end) ? r.index() + 1 : r.index());
    }
    if (!any) {
      keep = Math.min(keep, end.index() - 1);
    }
    return Math.max(0, keep);
  }

  /** True when {@code r} has shipped its index to the end and that index is final. */
  private boolean complete(Position r, Position end) throws IOException {
    if (r.index() >= end.index()) {
      return false;
    }
    Path f = meta.shadowWal(r.generation(), r.index());
    return !Files.exists(f) || r.offset() >= Files.size(f);
  }

  private boolean pinned(Generation old, Map<String, Position> replicas) throws IOException {
    TreeMap<Integer, Path> files = meta.shadowIndices(old);
    if (files.isEmpty()) {
      return false;
    }
    int last = files.lastKey();
    for (Position r : replicas.values()) {
      if (r.generation().equals(old)
          && (r.index() < last || r.offset() < Files.size(files.get(last)))) {
        return true;
      }
    }
    return false;
  }
}
