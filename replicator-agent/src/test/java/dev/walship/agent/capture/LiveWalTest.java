package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.wal.WalHeader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveWalTest {
  @TempDir Path dir;

  @Test
  void theHeaderIsNullUnlessAValidWalHeaderIsThere() throws Exception {
    Path wal = LiveWal.pathOf(dir.resolve("x.db"));
    assertEquals(dir.resolve("x.db-wal"), wal);
    assertNull(LiveWal.header(wal));
    Files.write(wal, new byte[10]);
    assertNull(LiveWal.header(wal));
    Files.write(wal, new byte[32]);
    assertNull(LiveWal.header(wal));
    WalHeader h = WalHeader.create(false, 4096, 0, 7, 9);
    Files.write(wal, h.toBytes());
    assertEquals(h, LiveWal.header(wal));
  }

  @Test
  void cyclesCompareBySalts() {
    WalHeader a = WalHeader.create(false, 4096, 0, 7, 9);
    assertTrue(LiveWal.sameCycle(a, WalHeader.create(false, 4096, 5, 7, 9)));
    assertFalse(LiveWal.sameCycle(a, WalHeader.create(false, 4096, 0, 8, 9)));
    assertTrue(LiveWal.sameCycle(null, null));
    assertFalse(LiveWal.sameCycle(a, null));
  }
}
