package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.format.wal.WalChecksum;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PageImageTest {
  @TempDir Path dir;

  @Test
  void hashingTheFileEqualsHashingItsPages() throws Exception {
    byte[] file = new byte[4096 * 3];
    new Random(1).nextBytes(file);
    Path db = dir.resolve("f.db");
    Files.write(db, file);
    try (DatabaseFile f = DatabaseFile.open(db)) {
      PageImage img = PageImage.ofFile(f, 4096);
      assertEquals(3, img.pageCount());
      for (int p = 1; p <= 3; p++) {
        assertEquals(PageImage.hash(file, (p - 1) * 4096, 4096), img.get(p));
      }
    }
  }

  @Test
  void commitsSetThePageCountAndForgetPagesBeyondIt() {
    PageImage img = new PageImage(4096);
    for (int p = 1; p <= 5; p++) {
      img.set(p, p * 11);
    }
    img.commit(5);
    assertEquals(55, img.get(5));
    img.commit(3);
    img.commit(5);
    assertEquals(PageImage.UNKNOWN, img.get(5), "a page dropped by a shrink is not known again");
    PageImage other = img.copy();
    assertEquals(4, img.firstDifference(other), "unknown pages never count as equal");
  }

  @Test
  void savedImagesRoundTripAndDamageIsCaught() throws IOException {
    PageImage img = new PageImage(4096);
    for (int p = 1; p <= 100; p++) {
      img.set(p, p * 31L);
    }
    img.commit(100);
    Generation g = Generation.parse("00000000000000aa");
    PageImage.Head head = new PageImage.Head(g, 7, 4152, 3, 4, new WalChecksum(5, 6));
    Path f = dir.resolve("image");
    img.save(f, head);
    PageImage.Saved back = PageImage.load(f);
    assertEquals(head, back.head());
    assertEquals(0, img.firstDifference(back.image()));
    byte[] b = Files.readAllBytes(f);
    b[200] ^= 1;
    Files.write(f, b);
    assertTrue(
        assertThrows(IOException.class, () -> PageImage.load(f)).getMessage().contains("damaged"));
    Files.write(f, java.util.Arrays.copyOf(b, 100));
    assertThrows(IOException.class, () -> PageImage.load(f));
  }

  @Test
  void aHashIsNeverTheUnknownMarker() {
    assertNotEquals(PageImage.UNKNOWN, PageImage.hash(new byte[4096], 0, 4096));
  }
}
