package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.SnapshotName;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureLeaseTest {
  @TempDir Path dir;

  @Test
  void theDatabaseIsReadOnceAndClosingReleasesOnce() throws Exception {
    Path db = dir.resolve("l.db");
    Harness.create(db, 3);
    AtomicInteger released = new AtomicInteger();
    Connection c = Sql.connectOne(db, Duration.ofSeconds(1));
    SnapshotName name = new SnapshotName(Generation.parse("00000000000000ab"), 2);
    CaptureLease lease =
        new CaptureLease(name, DatabaseFile.open(db), c, released::incrementAndGet);
    assertEquals(name, lease.name());
    try (InputStream in = lease.database()) {
      assertArrayEquals(Files.readAllBytes(db), in.readAllBytes());
    }
    assertThrows(IOException.class, lease::database);
    lease.close();
    lease.close();
    assertEquals(1, released.get());
    assertTrue(c.isClosed(), "its read transaction ended with its connection");
  }
}
