package dev.walship.format.catalog;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Layout;
import dev.walship.format.layout.PathClass;
import dev.walship.format.layout.PathClassifier;
import dev.walship.format.store.Entry;
import dev.walship.format.store.ReplicaStore;
import dev.walship.format.store.SnapshotInfo;
import dev.walship.format.store.WalSegmentInfo;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One generation as a replica lists it: snapshots sorted by index, segments by (index, offset), and
 * leftover temporary files. Its time bounds are Litestream's: the oldest and newest mtime of any of
 * its snapshots and segments (the only timestamps the layout has).
 */
public record GenerationFiles(
    Generation generation,
    List<SnapshotInfo> snapshots,
    List<WalSegmentInfo> segments,
    List<Temporary> temporaries) {

  public GenerationFiles {
    snapshots = List.copyOf(snapshots);
    segments = List.copyOf(segments);
    temporaries = List.copyOf(temporaries);
  }

  /** A generation without leftover temporary files. */
  public GenerationFiles(
      Generation generation, List<SnapshotInfo> snapshots, List<WalSegmentInfo> segments) {
    this(generation, snapshots, segments, List.of());
  }

  /**
   * Lists {@code generation} in {@code store}: one listing of {@code snapshots/}, two of {@code
   * wal/} (so that segments published while it is read never look like a gap).
   */
  public static GenerationFiles list(ReplicaStore store, Generation generation) throws IOException {
    List<SnapshotInfo> snapshots = new ArrayList<>();
    List<WalSegmentInfo> segments = new ArrayList<>();
    List<Temporary> temporaries = new ArrayList<>();
    String snapshotsDir = Layout.snapshotsDir(generation);
    for (Entry e : store.list(snapshotsDir)) {
      SnapshotInfo.of(generation, e)
          .ifPresentOrElse(snapshots::add, () -> temporary(snapshotsDir, e, temporaries));
    }
    String walDir = Layout.walDir(generation);
    WalSegmentInfo newest = null;
    for (Entry e : store.list(walDir)) {
      Optional<WalSegmentInfo> seg = WalSegmentInfo.of(generation, e);
      if (seg.isPresent() && (newest == null || seg.get().compareTo(newest) > 0)) {
        newest = seg.get();
      }
    }
    // Listed again, up to the newest segment of the first listing: a directory read while an agent
    // publishes into it may skip a file renamed in meanwhile yet return a later one (readdir walks
    // hash order), which would look like a gap; every file the first listing could have missed
    // existed before the second began, so the second holds all of them up to that point.
    for (Entry e : store.list(walDir)) {
      Optional<WalSegmentInfo> seg = WalSegmentInfo.of(generation, e);
      if (seg.isEmpty()) {
        temporary(walDir, e, temporaries);
      } else if (newest != null && seg.get().compareTo(newest) <= 0) {
        segments.add(seg.get());
      }
    }
    Collections.sort(snapshots);
    Collections.sort(segments);
    return new GenerationFiles(generation, snapshots, segments, temporaries);
  }

  private static void temporary(String dir, Entry e, List<Temporary> into) {
    String path = Layout.child(dir, e.name());
    if (!e.directory() && PathClassifier.classify(path) instanceof PathClass.Temporary) {
      into.add(new Temporary(path, e.modified()));
    }
  }

  /** The oldest mtime of any snapshot or segment, or null when there is none. */
  public Instant createdAt() {
    return times().min(Instant::compareTo).orElse(null);
  }

  /** The newest mtime of any snapshot or segment, or null when there is none. */
  public Instant updatedAt() {
    return lastWrite(Instant.MAX);
  }

  /**
   * The newest mtime of a snapshot or segment at or before {@code t}, or null when no file is that
   * old.
   */
  public Instant lastWrite(Instant t) {
    return times().filter(m -> !m.isAfter(t)).max(Instant::compareTo).orElse(null);
  }

  /**
   * The newest mtime of any file of the generation, temporary files included (an upload may be in
   * flight), or null when there is none.
   */
  public Instant lastActivity() {
    return Stream.concat(times(), temporaries.stream().map(Temporary::modified))
        .max(Instant::compareTo)
        .orElse(null);
  }

  /** The newest mtime of a snapshot, or null when there is none. */
  public Instant lastSnapshotAt() {
    return snapshots.stream().map(SnapshotInfo::created).max(Instant::compareTo).orElse(null);
  }

  /** The snapshot with the highest index, if any. */
  public Optional<SnapshotInfo> newestSnapshot() {
    return snapshots.isEmpty()
        ? Optional.empty()
        : Optional.of(snapshots.get(snapshots.size() - 1));
  }

  /** The highest WAL index with a segment or snapshot, or -1 when there is none. */
  public int maxIndex() {
    return Stream.concat(
            snapshots.stream().map(s -> s.name().index()),
            segments.stream().map(w -> w.name().index()))
        .max(Integer::compare)
        .orElse(-1);
  }

  private Stream<Instant> times() {
    return Stream.concat(
        snapshots.stream().map(SnapshotInfo::created),
        segments.stream().map(WalSegmentInfo::created));
  }
}
