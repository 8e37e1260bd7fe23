package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import dev.walship.testing.Sqlite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading back what an earlier run left, including after a crash at an awkward moment. */
class LocalStateTest {
  @TempDir Path dir;
  private Path db;
  private MetaDir meta;
  private Generation g;
  private Position end;

  /** A real capture: three indices, the image saved somewhere in the middle, then closed. */
  @BeforeEach
  void setUp() throws Exception {
    db = dir.resolve("l.db");
    Harness.create(db, 5);
    CaptureSettings s = CaptureSettings.DEFAULTS.withCheckpointPageCounts(10, 50);
    try (DatabaseCapture cap = Harness.start(db, s, 1);
        Connection app = Sqlite.openWal(db, 0)) {
      Harness.awaitCapturing(cap);
      cap.shipped("pin", new Position(cap.end().generation(), 0, 0));
      while (cap.end().index() < 3) {
        Sqlite.exec(app, "insert into t(x) values(randomblob(3000))");
        Harness.awaitCaughtUp(cap);
      }
      Sqlite.exec(app, "insert into t(x) values(randomblob(3000))");
      Harness.awaitCaughtUp(cap);
      g = cap.end().generation();
      meta = new MetaDir(cap.metaDir());
    }
    end =
        new Position(
            g,
            meta.shadowIndices(g).lastKey(),
            Files.size(meta.shadowIndices(g).lastEntry().getValue()));
  }

  @Test
  void theStateIsReadBackAtTheEndOfTheLastIndex() throws Exception {
    LocalState st = LocalState.load(meta, 4096);
    assertEquals(g, st.generation());
    assertEquals(end.index(), st.index());
    assertEquals(end.offset(), st.shadow().length());
    assertEquals(PageImage.ofFile(DatabaseFile.open(db), 4096).pageCount(), st.image().pageCount());
    st.shadow().close();
  }

  @Test
  void anUnpublishedTailLeftByACrashIsCutOff() throws Exception {
    Path last = meta.shadowWal(g, end.index());
    Files.write(last, new byte[5000], StandardOpenOption.APPEND);
    LocalState st = LocalState.load(meta, 4096);
    assertEquals(end.offset(), st.shadow().length());
    assertEquals(end.offset(), Files.size(last));
    st.shadow().close();
  }

  @Test
  void anIndexFileCreatedJustBeforeACrashIsDropped() throws Exception {
    Path next = meta.shadowWal(g, end.index() + 1);
    Files.write(
        next, Files.readAllBytes(meta.shadowWal(g, end.index())), StandardOpenOption.CREATE);
    Files.write(next, java.util.Arrays.copyOf(Files.readAllBytes(next), 32));
    LocalState st = LocalState.load(meta, 4096);
    assertEquals(end.index() + 1, st.index(), "the index before it was finished");
    assertEquals(null, st.shadow(), "the new one has not begun");
    assertTrue(Files.notExists(next));
    assertEquals(Files.readAllBytes(meta.shadowWal(g, end.index())).length, end.offset());
  }

  @Test
  void missingStateNeedsANewGenerationAndSaysWhy() throws Exception {
    Files.delete(meta.imageFile(g));
    assertTrue(
        assertThrows(LocalState.Unusable.class, () -> LocalState.load(meta, 4096))
            .getMessage()
            .contains("page image"));
    Files.delete(meta.currentFile());
    assertTrue(
        assertThrows(LocalState.Unusable.class, () -> LocalState.load(meta, 4096))
            .getMessage()
            .contains("no capture state"));
  }

  @Test
  void aMissingIndexTheImageNeedsIsRefused() throws Exception {
    PageImage.Saved saved = PageImage.load(meta.imageFile(g));
    assertTrue(saved.head().offset() > 0, "saved inside its index");
    Files.delete(meta.shadowWal(g, saved.head().index()));
    assertTrue(
        assertThrows(LocalState.Unusable.class, this::load).getMessage().contains("missing"));
  }

  @Test
  void aPageSizeChangeIsRefused() {
    assertTrue(
        assertThrows(LocalState.Unusable.class, () -> LocalState.load(meta, 8192))
            .getMessage()
            .contains("page size"));
  }

  private void load() throws IOException, LocalState.Unusable {
    LocalState st = LocalState.load(meta, 4096);
    if (st.shadow() != null) {
      st.shadow().close();
    }
  }
}
