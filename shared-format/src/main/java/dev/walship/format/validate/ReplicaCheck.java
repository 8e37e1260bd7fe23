package dev.walship.format.validate;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Layout;
import dev.walship.format.layout.PathClass;
import dev.walship.format.layout.PathClassifier;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.layout.WalSegmentName;
import dev.walship.format.store.Entry;
import dev.walship.format.store.ReplicaStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a whole replica tree through its store: every name under {@code generations/} is a name of
 * the layout (Litestream would silently skip any other, leaving a hole), every snapshot and segment
 * validates, and each WAL index starts at offset 0 and continues without gap or overlap, its
 * checksum chain unbroken from segment to segment. Leftover {@code .tmp} files are counted, not
 * reported: they are invisible to every reader.
 */
public final class ReplicaCheck {
  /** One thing wrong with the tree: a path relative to the replica root, and why. */
  public record Problem(String path, String reason) {
    @Override
    public String toString() {
      return path + ": " + reason;
    }
  }

  /** The outcome: problems (empty when the tree is sound) and what was checked. */
  public record Report(List<Problem> problems, int snapshots, int segments, int temporaryFiles) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  private final ReplicaStore store;
  private final List<Problem> problems = new ArrayList<>();
  private int snapshots;
  private int segments;
  private int temporary;

  private ReplicaCheck(ReplicaStore store) {
    this.store = store;
  }

  /** Checks every generation of the replica in {@code store}. */
  public static Report check(ReplicaStore store) throws IOException {
    ReplicaCheck c = new ReplicaCheck(store);
    for (Entry e : store.list(Layout.GENERATIONS)) {
      String path = Layout.child(Layout.GENERATIONS, e.name());
      PathClass pc = PathClassifier.classify(path);
      if (pc instanceof PathClass.Directory d && e.directory()) {
        c.checkGeneration(d.generation());
      } else {
        c.problem(
            path,
            pc instanceof PathClass.Invalid inv ? inv.reason() : "not a generation directory");
      }
    }
    return new Report(List.copyOf(c.problems), c.snapshots, c.segments, c.temporary);
  }

  private void checkGeneration(Generation g) throws IOException {
    String dir = Layout.generationDir(g);
    for (Entry e : store.list(dir)) {
      String path = Layout.child(dir, e.name());
      if (!(PathClassifier.classify(path) instanceof PathClass.Directory) || !e.directory()) {
        problem(path, "not a layout directory (expected snapshots/ or wal/)");
      }
    }
    for (Entry e : store.list(Layout.snapshotsDir(g))) {
      String path = Layout.child(Layout.snapshotsDir(g), e.name());
      PathClass pc = PathClassifier.classify(path);
      if (pc instanceof PathClass.Snapshot s && !e.directory()) {
        checkSnapshot(s.name());
      } else if (pc instanceof PathClass.Temporary) {
        temporary++;
      } else {
        problem(path, pc instanceof PathClass.Invalid inv ? inv.reason() : "not a snapshot");
      }
    }
    Map<Integer, List<WalSegmentName>> byIndex = new TreeMap<>();
    for (Entry e : store.list(Layout.walDir(g))) {
      String path = Layout.child(Layout.walDir(g), e.name());
      PathClass pc = PathClassifier.classify(path);
      if (pc instanceof PathClass.WalSegment w && !e.directory()) {
        byIndex.computeIfAbsent(w.name().index(), i -> new ArrayList<>()).add(w.name());
      } else if (pc instanceof PathClass.Temporary) {
        temporary++;
      } else {
        problem(path, pc instanceof PathClass.Invalid inv ? inv.reason() : "not a WAL segment");
      }
    }
    for (List<WalSegmentName> index : byIndex.values()) {
      index.sort(null);
      checkIndex(index);
    }
  }

  private void checkSnapshot(SnapshotName name) throws IOException {
    snapshots++;
    try (InputStream in = store.open(name)) {
      ContentCheck.snapshot(name, in);
    } catch (ValidationException e) {
      problem(name.path(), e.getMessage());
    }
  }

  /** Segments of one index in offset order: contiguous from 0, one chain. */
  private void checkIndex(List<WalSegmentName> index) throws IOException {
    SegmentContext context = SegmentContext.UNKNOWN;
    long expected = 0;
    for (WalSegmentName name : index) {
      segments++;
      if (expected >= 0 && name.offset() != expected) {
        problem(
            name.path(),
            (name.offset() > expected ? "gap" : "overlap")
                + ": segment starts at offset 0x"
                + Long.toHexString(name.offset())
                + ", the previous one ends at 0x"
                + Long.toHexString(expected));
        context = new SegmentContext(context.indexHeader(), null);
      }
      try (InputStream in = store.open(name)) {
        SegmentSummary s = ContentCheck.segment(name, in, context);
        context = SegmentContext.after(s);
        expected = s.endOffset();
      } catch (ValidationException e) {
        problem(name.path(), e.getMessage());
        context = new SegmentContext(context.indexHeader(), null);
        expected = -1;
      }
    }
  }

  private void problem(String path, String reason) {
    problems.add(new Problem(path, reason));
  }
}
