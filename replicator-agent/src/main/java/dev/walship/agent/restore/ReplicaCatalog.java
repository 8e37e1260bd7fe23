package dev.walship.agent.restore;

import dev.walship.format.layout.Generation;
import dev.walship.format.store.ReplicaStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Every generation of a replica with its files, listed once. */
public record ReplicaCatalog(String location, List<GenerationFiles> generations) {
  public ReplicaCatalog {
    generations = List.copyOf(generations);
  }

  /** Lists {@code store}: its generations, then each one's snapshots and segments. */
  public static ReplicaCatalog load(ReplicaStore store) throws IOException {
    List<GenerationFiles> out = new ArrayList<>();
    for (Generation g : store.generations()) {
      out.add(new GenerationFiles(g, store.snapshots(g), store.walSegments(g)));
    }
    return new ReplicaCatalog(store.location(), out);
  }

  /** The generation named {@code g}, if the replica has it. */
  public Optional<GenerationFiles> generation(Generation g) {
    return generations.stream().filter(f -> f.generation().equals(g)).findFirst();
  }
}
