package dev.walship.format.store;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Layout;
import dev.walship.format.layout.LayoutFile;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Where one replica's files live. Paths are relative to the replica root and {@code /}-separated;
 * build them with {@link Layout} and {@link LayoutFile#path()}, never by hand.
 *
 * <p>Implementations must be safe for concurrent use by several threads (restore downloads in
 * parallel) and stream: no method holds a whole file in memory.
 */
public interface ReplicaStore extends Closeable {

  /**
   * Where the replica lives, for messages: {@code file:///var/lib/x} or {@code sftp://u@h:22/db}.
   */
  String location();

  /**
   * The entries of directory {@code dir}, in no particular order; an empty list when it does not
   * exist. Symbolic links are reported as what they are, not followed.
   */
  List<Entry> list(String dir) throws IOException;

  /**
   * Opens a file for reading. The caller closes the stream.
   *
   * @throws java.nio.file.NoSuchFileException when there is no such file
   */
  InputStream open(String path) throws IOException;

  /**
   * Writes {@code file} atomically: its bytes go to {@link Layout#tempPath} (parent directories
   * created as needed), are synced to stable storage, get {@code modified} as mtime, and are
   * renamed over the final name. A reader sees the old file or the whole new one, never a part.
   *
   * @return the entry of the file as written
   */
  Entry write(LayoutFile file, Instant modified, ContentWriter content) throws IOException;

  /** Deletes a file or an empty directory; a path that does not exist is not an error. */
  void delete(String path) throws IOException;

  /**
   * Checks now that the store can be used, so configuration problems show at start-up: a network
   * store connects and authenticates; a local directory has nothing to check.
   *
   * @throws ReplicaStoreException when the store refuses us ({@link
   *     ReplicaStoreException#permanent()}: the operator must act) or cannot be reached now
   */
  default void checkAccess() throws IOException {}

  @Override
  default void close() throws IOException {}

  /**
   * Whether reading is slow enough that readers should fetch ahead in parallel (a network store); a
   * local directory reads at disk speed and is read in place.
   */
  default boolean remote() {
    return true;
  }

  /**
   * Bytes the replica's file system can still take, as it reports them (statvfs), or empty when the
   * store cannot tell. {@code replicator status} names a full disk with it.
   */
  default OptionalLong usableSpace() throws IOException {
    return OptionalLong.empty();
  }

  // ---- typed views, as Litestream v0.3.13 lists them; the read-model with times and leftovers
  // of a whole replica is dev.walship.format.catalog.ReplicaCatalog ---------------------------

  /** Generations: directories under {@code generations/} with a valid name, sorted by name. */
  default List<Generation> generations() throws IOException {
    List<Generation> out = new ArrayList<>();
    for (Entry e : list(Layout.GENERATIONS)) {
      if (e.directory() && Generation.isValid(e.name())) {
        out.add(Generation.parse(e.name()));
      }
    }
    Collections.sort(out);
    return out;
  }

  /** Snapshots of {@code generation} sorted by index; names that do not parse are skipped. */
  default List<SnapshotInfo> snapshots(Generation generation) throws IOException {
    return parsed(list(Layout.snapshotsDir(generation)), e -> SnapshotInfo.of(generation, e));
  }

  /**
   * WAL segments of {@code generation} sorted by (index, offset); names that do not parse are
   * skipped.
   */
  default List<WalSegmentInfo> walSegments(Generation generation) throws IOException {
    return parsed(list(Layout.walDir(generation)), e -> WalSegmentInfo.of(generation, e));
  }

  private static <T extends Comparable<T>> List<T> parsed(
      List<Entry> entries, Function<Entry, Optional<T>> parse) {
    List<T> out = new ArrayList<>();
    for (Entry e : entries) {
      parse.apply(e).ifPresent(out::add);
    }
    Collections.sort(out);
    return out;
  }

  /** Opens a snapshot or WAL segment; its bytes are LZ4-framed. */
  default InputStream open(LayoutFile file) throws IOException {
    return open(file.path());
  }

  /** Deletes every file and directory of {@code generation}. */
  default void deleteGeneration(Generation generation) throws IOException {
    for (String dir : List.of(Layout.snapshotsDir(generation), Layout.walDir(generation))) {
      for (Entry e : list(dir)) {
        delete(Layout.child(dir, e.name()));
      }
      delete(dir);
    }
    String genDir = Layout.generationDir(generation);
    for (Entry e : list(genDir)) {
      delete(Layout.child(genDir, e.name()));
    }
    delete(genDir);
  }
}
