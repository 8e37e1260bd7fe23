package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetaDirTest {
  @TempDir Path dir;
  private final Generation g = Generation.parse("0123456789abcdef");

  @Test
  void pathsFollowTheLayout() {
    MetaDir m = new MetaDir(dir);
    assertEquals(dir.resolve("generations/0123456789abcdef/wal/0000001a.wal"), m.shadowWal(g, 26));
    assertEquals("7fffffff.wal", m.shadowWal(g, Integer.MAX_VALUE).getFileName().toString());
    assertEquals("00000000.wal", m.shadowWal(g, 0).getFileName().toString());
    assertEquals(dir.resolve("generations/0123456789abcdef/image"), m.imageFile(g));
    assertEquals(dir.resolve("generation"), m.currentFile());
  }

  @Test
  void shadowNamesParseStrictly() {
    assertEquals(26, MetaDir.parseShadowName("0000001a.wal"));
    assertNull(MetaDir.parseShadowName("0000001A.wal"));
    assertNull(MetaDir.parseShadowName("1a.wal"));
    assertNull(MetaDir.parseShadowName("0000001a.wal.tmp"));
    assertNull(MetaDir.parseShadowName("ffffffff.wal"));
  }

  @Test
  void theCurrentGenerationIsReplacedAtomicallyAndValidated() throws IOException {
    MetaDir m = new MetaDir(dir);
    assertNull(m.readCurrent());
    m.createGeneration(g);
    m.writeCurrent(g);
    assertEquals(g, m.readCurrent());
    assertEquals(List.of(), Files.list(dir).filter(p -> p.toString().endsWith(".tmp")).toList());
    Files.writeString(m.currentFile(), "garbage");
    assertThrows(IOException.class, m::readCurrent);
  }

  @Test
  void indicesAndGenerationsAreListedAndDeleted() throws IOException {
    MetaDir m = new MetaDir(dir);
    m.createGeneration(g);
    Files.writeString(m.shadowWal(g, 2), "x");
    Files.writeString(m.shadowWal(g, 0), "x");
    Files.writeString(m.walDir(g).resolve("junk"), "x");
    assertEquals(List.of(0, 2), List.copyOf(m.shadowIndices(g).keySet()));
    assertEquals(List.of(g), m.generations());
    m.deleteGeneration(g);
    assertEquals(List.of(), m.generations());
  }

  @Test
  void onlyOneCaptureHoldsTheDirectory() throws IOException {
    MetaDir m = new MetaDir(dir.resolve("meta"));
    var lock = m.lock();
    IOException e = assertThrows(IOException.class, m::lock);
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("another capture"));
    lock.channel().close();
    m.lock().channel().close();
  }

  @Test
  void replicaPositionsRoundTripWhateverTheName() throws IOException {
    MetaDir m = new MetaDir(dir);
    Position p = new Position(g, 3, 4152);
    m.writeReplica("sftp://backup host/x", p);
    m.writeReplica("file", new Position(g, 0, 0));
    assertEquals(
        Map.of("sftp://backup host/x", p, "file", new Position(g, 0, 0)), m.readReplicas());
    Files.writeString(dir.resolve("replicas/broken"), "nonsense");
    assertEquals(2, m.readReplicas().size(), "unreadable entries are skipped");
  }
}
