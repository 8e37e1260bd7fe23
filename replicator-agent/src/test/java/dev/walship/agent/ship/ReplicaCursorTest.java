package dev.walship.agent.ship;

import static dev.walship.agent.ship.ShipFixture.drain;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import dev.walship.format.layout.WalSegmentName;
import dev.walship.format.lz4.Lz4;
import dev.walship.format.store.WalSegmentInfo;
import dev.walship.testing.Sqlite;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery of a replica's position after a restart: from the replica itself, checked against the
 * local shadow; what does not continue it is re-shipped, and a replica that cannot continue gets a
 * new snapshot.
 */
class ReplicaCursorTest {
  @TempDir Path tmp;
  ShipFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new ShipFixture(tmp);
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  /** Two segments on the replica, then a fresh shipper as after an agent restart. */
  private Generation shipTwoSegments() throws Exception {
    Shipper s = f.shipper();
    f.db.insert(3, 100);
    f.log.capture();
    drain(s);
    f.db.insert(3, 2000);
    Generation g = f.log.capture().generation();
    drain(s);
    assertEquals(2, f.files.walSegments(g).size());
    return g;
  }

  @Test
  void aRestartResumesAtTheEndOfTheLastSegmentWithoutUploadingAnything() throws Exception {
    Generation g = shipTwoSegments();
    int writes = f.store.writes.get();
    Shipper restarted = f.shipper();
    drain(restarted);
    assertEquals(writes, f.store.writes.get(), "nothing re-shipped, no new snapshot");
    assertEquals(f.log.end(), restarted.stats().replicaPosition());
    f.db.insert(1, 100);
    Position before = f.log.end();
    f.log.capture();
    drain(restarted);
    List<WalSegmentInfo> segs = f.files.walSegments(g);
    assertEquals(3, segs.size());
    assertEquals(before.offset(), segs.get(2).name().offset());
    Replicas.assertValid(f.files);
  }

  @Test
  void aDamagedLastSegmentIsDeletedAndTheRestOfTheIndexReshipped() throws Exception {
    Generation g = shipTwoSegments();
    WalSegmentName tail = f.files.walSegments(g).get(1).name();
    Path file = f.replicaRoot.resolve(tail.path());
    Files.write(
        file,
        java.util.Arrays.copyOf(Files.readAllBytes(file), (int) Files.size(file) / 2)); // cut short
    Shipper restarted = f.shipper();
    drain(restarted);
    assertArrayEquals(f.log.bytes(g, 0), Replicas.index(f.files, g, 0));
    assertEquals(2, f.files.walSegments(g).size());
    assertEquals(1, restarted.stats().segments(), "the rest of the index went out again");
    assertEquals(0, restarted.stats().snapshots());
    Replicas.assertValid(f.files);
  }

  @Test
  void aLastSegmentWhoseFramesDoNotChainIsReplaced() throws Exception {
    Generation g = shipTwoSegments();
    WalSegmentName tail = f.files.walSegments(g).get(1).name();
    Path file = f.replicaRoot.resolve(tail.path());
    byte[] decoded;
    try (InputStream in = Lz4.decompressing(Files.newInputStream(file))) {
      decoded = in.readAllBytes();
    }
    decoded[decoded.length - 100] ^= 1; // valid LZ4, but a page byte no checksum covers any more
    try (OutputStream out = Lz4.compressing(Files.newOutputStream(file))) {
      out.write(decoded);
    }
    Shipper restarted = f.shipper();
    drain(restarted);
    assertArrayEquals(f.log.bytes(g, 0), Replicas.index(f.files, g, 0));
    Replicas.assertValid(f.files);
    assertEquals(
        Sqlite.dump(f.db.path),
        Replicas.litestreamRestoreDump(f.replicaRoot, tmp.resolve("restored.db")));
  }

  @Test
  void aReplicaAheadOfTheLocalShadowLosesTheTailTheShadowDoesNotHave() throws Exception {
    Generation g = shipTwoSegments();
    long firstEnd = f.files.walSegments(g).get(1).name().offset();
    f.log.truncateCurrent(firstEnd); // the shadow lost what the second segment holds
    Shipper restarted = f.shipper();
    drain(restarted);
    assertEquals(
        1, f.files.walSegments(g).size(), "the segment the shadow cannot vouch for is gone");
    assertEquals(new Position(g, 0, firstEnd), restarted.stats().replicaPosition());
    f.log.capture(); // capture copies the WAL's frames again
    drain(restarted);
    assertArrayEquals(f.log.bytes(g, 0), Replicas.index(f.files, g, 0));
    Replicas.assertValid(f.files);
  }

  @Test
  void aTailTheServerKeepsMeansANewGeneration() throws Exception {
    Generation g = shipTwoSegments();
    long firstEnd = f.files.walSegments(g).get(1).name().offset();
    f.log.truncateCurrent(firstEnd);
    f.store.keeps = path -> true; // replica-server's immutable-for
    Shipper restarted = f.shipper();
    IOException e = assertThrows(IOException.class, restarted::step);
    assertTrue(
        e.getMessage().contains("the replica keeps segment")
            && e.getMessage().contains("new generation"),
        e.getMessage());
    assertEquals(1, f.log.restarts.size());
    Generation next = f.log.end().generation();
    assertNotEquals(g, next);
    f.db.insert(2, 100);
    f.log.capture();
    drain(restarted);
    assertEquals(2, f.files.walSegments(g).size(), "the kept tail stays where it was");
    assertEquals(1, f.files.snapshots(next).size(), "the new generation starts with a snapshot");
    Replicas.assertValid(f.files);
    assertEquals(
        Sqlite.dump(f.db.path),
        Replicas.litestreamRestoreDump(f.replicaRoot, tmp.resolve("restored.db")));
  }

  @Test
  void anIndexTheShadowNoLongerHoldsMeansANewSnapshot() throws Exception {
    Generation g = shipTwoSegments();
    f.db.restartWal();
    f.db.insert(2, 100);
    f.log.capture(); // index 1
    f.log.drop(g, 0); // capture deleted index 0 once it was shipped
    Shipper restarted = f.shipper();
    drain(restarted);
    assertEquals(List.of(0, 1), f.files.snapshots(g).stream().map(s -> s.name().index()).toList());
    assertArrayEquals(f.log.bytes(g, 1), Replicas.index(f.files, g, 1));
    assertEquals(f.log.end().withOffset(0), f.log.shippedBy("r"));
    Replicas.assertValid(f.files);
    assertEquals(
        Sqlite.dump(f.db.path),
        Replicas.litestreamRestoreDump(f.replicaRoot, tmp.resolve("restored.db")));
  }

  @Test
  void aSnapshotWithoutSegmentsResumesAtItsIndex() throws Exception {
    Shipper s = f.shipper();
    f.db.insert(2, 100);
    Generation g = f.log.capture().generation();
    s.step(); // recover
    s.step(); // snapshot, no segment yet
    assertEquals(1, f.files.snapshots(g).size());
    assertTrue(f.files.walSegments(g).isEmpty());
    Shipper restarted = f.shipper();
    drain(restarted);
    assertEquals(0, restarted.stats().snapshots());
    assertArrayEquals(f.log.bytes(g, 0), Replicas.index(f.files, g, 0));
  }

  @Test
  void anUnreachableReplicaIsNeverMistakenForADamagedOne() throws Exception {
    Generation g = shipTwoSegments();
    f.store.down = true;
    Shipper restarted = f.shipper();
    for (int i = 0; i < 3; i++) {
      try {
        restarted.step();
      } catch (java.io.IOException expected) {
        // down
      }
    }
    f.store.down = false;
    assertEquals(2, f.files.walSegments(g).size(), "nothing deleted");
    drain(restarted);
    assertEquals(0, restarted.stats().segments());
  }

  @Test
  void captureKeepsTheIndexOfTheReplicasLastSegmentUntilTheNextIndexHasOne() throws Exception {
    Shipper s = f.shipper();
    f.db.insert(2, 100);
    Generation g = f.log.capture().generation();
    drain(s);
    long lastStart = f.files.walSegments(g).get(0).name().offset();
    f.db.restartWal();
    f.db.insert(1, 100);
    f.log.capture(); // index 1
    s.step(); // index 0 is complete: on to index 1, nothing uploaded yet
    assertEquals(new Position(g, 1, 0), s.stats().replicaPosition());
    assertEquals(
        new Position(g, 0, lastStart),
        f.log.shippedBy("r"),
        "index 0 still needed to check the tail");
    s.step(); // the first segment of index 1
    assertEquals(new Position(g, 1, 0), f.log.shippedBy("r"));
  }
}
