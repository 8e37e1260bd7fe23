package dev.walship.format.catalog;

import dev.walship.format.layout.Generation;
import dev.walship.format.store.ReplicaStore;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a replica holds, listed once: every generation with its snapshots, segments, leftover
 * temporary files and their times. The one read-model of a replica: restore plans from it,
 * retention prunes by it, a shipper recovers its position and mtimes from it, and {@code status},
 * {@code generations}, {@code snapshots} and {@code wal} print it.
 */
public record ReplicaCatalog(String location, List<GenerationFiles> generations) {
  public ReplicaCatalog {
    generations = List.copyOf(generations);
  }

  /**
   * Lists {@code store}: its generations, then each one's files (three listings per generation).
   */
  public static ReplicaCatalog load(ReplicaStore store) throws IOException {
    List<GenerationFiles> out = new ArrayList<>();
    for (Generation g : store.generations()) {
      out.add(GenerationFiles.list(store, g));
    }
    return new ReplicaCatalog(store.location(), out);
  }

  /** Lists only {@code generation} of {@code store} (empty when the replica does not have it). */
  public static ReplicaCatalog load(ReplicaStore store, Generation generation) throws IOException {
    GenerationFiles g = GenerationFiles.list(store, Objects.requireNonNull(generation));
    boolean present =
        !g.snapshots().isEmpty() || !g.segments().isEmpty() || !g.temporaries().isEmpty();
    return new ReplicaCatalog(store.location(), present ? List.of(g) : List.of());
  }

  /** The generation named {@code g}, if the replica has it. */
  public Optional<GenerationFiles> generation(Generation g) {
    return generations.stream().filter(f -> f.generation().equals(g)).findFirst();
  }

  /** The newest mtime of any snapshot or segment of the replica, or null when it holds none. */
  public Instant updatedAt() {
    return generations.stream()
        .map(GenerationFiles::updatedAt)
        .filter(Objects::nonNull)
        .max(Instant::compareTo)
        .orElse(null);
  }
}
