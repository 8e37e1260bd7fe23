package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.wal.WalHeader;
import dev.walship.format.wal.WalReader;
import dev.walship.format.wal.WalScan;
import dev.walship.testing.Sqlite;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShadowIndexTest {
  @TempDir Path dir;

  @Test
  void writtenBytesCountOnlyOncePublishedAndATornTailIsCutOnRecovery() throws Exception {
    byte[] wal = Sqlite.writeWal(dir.resolve("a.db"), 10, 100);
    WalScan scan = WalReader.scan(new ByteArrayInputStream(wal));
    Path f = dir.resolve("00000000.wal");
    try (ShadowIndex s = ShadowIndex.create(f, scan.header())) {
      int end = (int) scan.committedEnd();
      s.write(32, wal, 32, end - 32);
      assertEquals(0, s.length());
      s.publish(end, scan.committedChecksum(), 0);
      assertEquals(end, s.length());
      s.write(end, new byte[3000], 0, 3000);
    }
    try (ShadowIndex r = ShadowIndex.recover(f)) {
      assertEquals(scan.committedEnd(), r.length());
      assertEquals(scan.committedEnd(), Files.size(f));
      assertArrayEquals(Arrays.copyOf(wal, (int) scan.committedEnd()), Files.readAllBytes(f));
      try (InputStream in = ShadowIndex.stream(f, 32, 100)) {
        assertArrayEquals(Arrays.copyOfRange(wal, 32, 100), in.readAllBytes());
      }
      assertThrows(IOException.class, () -> ShadowIndex.stream(f, 0, r.length() + 1));
    }
  }

  @Test
  void anIndexWithoutACommittedFrameIsDiscardedOnRecovery() throws Exception {
    Path f = dir.resolve("00000001.wal");
    WalHeader h = WalHeader.create(false, 4096, 0, 1, 2);
    ShadowIndex.create(f, h).close();
    assertNull(ShadowIndex.recover(f));
    assertFalse(Files.exists(f));
    Files.write(f, new byte[10]);
    assertNull(ShadowIndex.recover(f));
    assertFalse(Files.exists(f));
  }

  @Test
  void publishedBytesAreSyncedOnlyWhenAsked() throws Exception {
    byte[] wal = Sqlite.writeWal(dir.resolve("b.db"), 10, 100);
    WalScan scan = WalReader.scan(new ByteArrayInputStream(wal));
    Path f = dir.resolve("00000002.wal");
    int end = (int) scan.committedEnd();
    try (ShadowIndex s = ShadowIndex.create(f, scan.header())) {
      s.write(32, wal, 32, end - 32);
      s.publish(end, scan.committedChecksum(), 1000);
      assertEquals(0, s.synced());
      assertFalse(s.syncDue(1999, 1000));
      assertTrue(s.syncDue(2000, 1000));
      s.sync();
      assertEquals(end, s.synced());
      assertFalse(s.syncDue(5000, 1000));
    }
    try (ShadowIndex r = ShadowIndex.recover(f)) {
      assertEquals(end, r.length());
      assertEquals(0, r.synced(), "an earlier process may have died before its fsync");
      r.sync();
      assertEquals(end, r.synced());
    }
  }
}
