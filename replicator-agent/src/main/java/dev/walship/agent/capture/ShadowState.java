package dev.walship.agent.capture;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import dev.walship.format.wal.WalReader;
import dev.walship.format.wal.WalScan;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a meta directory holds, read without taking its lock, for {@code replicator status} while an
 * agent runs (or after it stopped): the current generation and the committed length and mtime of
 * each shadow index. A tail an agent has not published yet (or that a crash left) is not counted:
 * the last index is measured to its last commit frame.
 */
public record ShadowState(Generation generation, List<Index> indices) {
  /** One shadow WAL index: its committed length and when it last changed. */
  public record Index(int index, long length, Instant modified) {}

  public ShadowState {
    indices = List.copyOf(indices);
  }

  /** Reads {@code metaDir}; empty when it records no generation. */
  public static Optional<ShadowState> read(Path metaDir) throws IOException {
    MetaDir meta = new MetaDir(metaDir);
    Generation g = meta.readCurrent();
    if (g == null) {
      return Optional.empty();
    }
    List<Index> out = new ArrayList<>();
    for (Map.Entry<Integer, Path> e : meta.shadowIndices(g).entrySet()) {
      try {
        Instant modified = Files.getLastModifiedTime(e.getValue()).toInstant();
        out.add(new Index(e.getKey(), committedLength(e.getValue()), modified));
      } catch (NoSuchFileException pruned) {
        // pruned while listing
      }
    }
    return Optional.of(new ShadowState(g, out));
  }

  private static long committedLength(Path shadow) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(shadow), 1 << 16)) {
      WalScan s = WalReader.scan(in);
      return s.committedEnd();
    } catch (dev.walship.format.wal.WalFormatException e) {
      return 0; // not even a header yet
    }
  }

  /** Where capture ends: the last index at its committed length; null when nothing is held. */
  public Position end() {
    if (indices.isEmpty()) {
      return null;
    }
    Index last = indices.get(indices.size() - 1);
    return new Position(generation, last.index(), last.length());
  }

  /** When capture last added bytes: the newest shadow mtime, or null. */
  public Instant lastChange() {
    return indices.stream().map(Index::modified).max(Instant::compareTo).orElse(null);
  }

  /**
   * Captured bytes after {@code p} (of this generation): the rest of its index and every index
   * after it; empty when {@code p} is in another generation or in an index no longer held, since
   * what lies between is then unknown here.
   */
  public Optional<Long> bytesAfter(Position p) {
    if (!p.generation().equals(generation)) {
      return Optional.empty();
    }
    long n = 0;
    boolean found = false;
    for (Index i : indices) {
      if (i.index() == p.index()) {
        found = true;
        n += Math.max(0, i.length() - p.offset());
      } else if (i.index() > p.index()) {
        n += i.length();
      }
    }
    return found || (end() != null && p.compareTo(end()) >= 0) ? Optional.of(n) : Optional.empty();
  }
}
