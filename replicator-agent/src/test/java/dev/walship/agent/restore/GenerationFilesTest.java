package dev.walship.agent.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class GenerationFilesTest {
  @Test
  void timeBoundsAreTheOldestAndNewestMtimeOfAnyFile() {
    GenerationFiles g = new GenerationFiles(RestorePlannerTest.A,
        List.of(RestorePlannerTest.snap(RestorePlannerTest.A, 1, 20)),
        List.of(RestorePlannerTest.seg(RestorePlannerTest.A, 0, 0, 5), RestorePlannerTest.seg(RestorePlannerTest.A, 1, 0, 40)));
    assertEquals(RestorePlannerTest.t(5), g.createdAt());
    assertEquals(RestorePlannerTest.t(40), g.updatedAt());
    assertEquals(RestorePlannerTest.t(20), g.lastWrite(RestorePlannerTest.t(39)));
    assertNull(g.lastWrite(RestorePlannerTest.t(1)));
    assertEquals(1, g.maxIndex());
    GenerationFiles empty = new GenerationFiles(RestorePlannerTest.A, List.of(), List.of());
    assertNull(empty.createdAt());
    assertEquals(-1, empty.maxIndex());
  }
}
