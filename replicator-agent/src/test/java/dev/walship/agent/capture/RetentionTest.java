package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {
  @TempDir Path dir;
  private MetaDir meta;
  private Retention retention;
  private final Generation old = Generation.parse("00000000000000aa");
  private final Generation g = Generation.parse("00000000000000bb");

  @BeforeEach
  void setUp() throws Exception {
    meta = new MetaDir(dir);
    retention = new Retention(meta);
    for (Generation x : List.of(old, g)) {
      meta.createGeneration(x);
      for (int i = 0; i < 6; i++) {
        Files.write(meta.shadowWal(x, i), new byte[100]);
      }
    }
  }

  @Test
  void withoutReplicasTheCurrentAndPreviousIndexAreKept() throws Exception {
    retention.prune(new Position(g, 5, 50), 5, Map.of());
    assertEquals(List.of(4, 5), List.copyOf(meta.shadowIndices(g).keySet()));
    assertEquals(List.of(g), meta.generations(), "older generations go");
  }

  @Test
  void aReplicaKeepsWhatItHasNotShippedCompletely() throws Exception {
    Position end = new Position(g, 5, 50);
    assertEquals(2, retention.keepFrom(end, 5, Map.of("r", new Position(g, 2, 40))));
    assertEquals(3, retention.keepFrom(end, 5, Map.of("r", new Position(g, 2, 100))));
    assertEquals(5, retention.keepFrom(end, 5, Map.of("r", new Position(g, 5, 50))));
    assertEquals(
        1,
        retention.keepFrom(end, 1, Map.of("r", new Position(g, 5, 50))),
        "the page image's index is kept");
  }

  @Test
  void anOlderGenerationIsKeptWhileAReplicaStillShipsIt() throws Exception {
    retention.prune(new Position(g, 5, 50), 5, Map.of("r", new Position(old, 5, 10)));
    assertTrue(meta.generations().contains(old));
    retention.prune(new Position(g, 5, 50), 5, Map.of("r", new Position(old, 5, 100)));
    assertEquals(List.of(g), meta.generations());
  }

  @Test
  void aPruneThatKeepsEverythingLooksNoFurtherYetLaterShipmentsStillFreeIndices() throws Exception {
    Position end = new Position(g, 5, 50);
    retention.prune(end, 5, Map.of("r", new Position(g, 2, 40)));
    assertEquals(List.of(2, 3, 4, 5), List.copyOf(meta.shadowIndices(g).keySet()));
    assertEquals(List.of(g), meta.generations());

    // runs after every segment: nothing below index 2 can have appeared, so it does not list
    Files.write(meta.shadowWal(g, 0), new byte[100]);
    retention.prune(end, 5, Map.of("r", new Position(g, 2, 90)));
    assertTrue(Files.exists(meta.shadowWal(g, 0)), "not listed again");

    retention.prune(end, 5, Map.of("r", new Position(g, 4, 0)));
    assertEquals(List.of(4, 5), List.copyOf(meta.shadowIndices(g).keySet()));
  }

  @Test
  void aPinnedOlderGenerationIsLookedAtAgainOnEveryPrune() throws Exception {
    Position end = new Position(g, 5, 50);
    retention.prune(end, 5, Map.of("r", new Position(old, 5, 10), "s", new Position(g, 5, 0)));
    retention.prune(end, 5, Map.of("r", new Position(old, 5, 10), "s", new Position(g, 5, 10)));
    assertTrue(meta.generations().contains(old));
    retention.prune(end, 5, Map.of("r", new Position(g, 5, 0), "s", new Position(g, 5, 10)));
    assertEquals(List.of(g), meta.generations());
  }
}
