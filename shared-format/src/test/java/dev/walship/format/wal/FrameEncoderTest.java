package dev.walship.format.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.walship.testing.Sqlite;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameEncoderTest {
  @TempDir Path tmp;

  /** Re-encoding every frame of a WAL SQLite wrote, with its header, gives SQLite's bytes back. */
  @Test
  void reEncodingAnSqliteWalGivesItsBytes() throws Exception {
    byte[] wal = Sqlite.writeWal(tmp.resolve("e.db"), 20, 900);
    WalHeader h = WalHeader.parse(wal, 0);
    FrameEncoder enc = new FrameEncoder(h);
    int n = (wal.length - WalHeader.SIZE) / h.frameSize();
    byte[] out = new byte[wal.length];
    System.arraycopy(wal, 0, out, 0, WalHeader.SIZE);
    for (int i = 0; i < n; i++) {
      int off = WalHeader.SIZE + i * h.frameSize();
      FrameHeader f = FrameHeader.parse(wal, off);
      enc.encode(f.pageNumber(), f.commitSize(), wal, off + WalHeader.FRAME_HEADER_SIZE, out, off);
    }
    assertArrayEquals(
        Arrays.copyOf(wal, WalHeader.SIZE + n * h.frameSize()),
        Arrays.copyOf(out, WalHeader.SIZE + n * h.frameSize()));
  }

  @Test
  void framesOfBothByteOrdersVerify() {
    for (boolean be : new boolean[] {true, false}) {
      WalHeader h = WalHeader.create(be, 1024, 3, 0x1234, 0x5678);
      FrameEncoder enc = new FrameEncoder(h);
      FrameChain chain = new FrameChain(h);
      byte[] page = new byte[1024];
      byte[] frame = new byte[h.frameSize()];
      for (int p = 1; p <= 5; p++) {
        Arrays.fill(page, (byte) p);
        enc.encode(p, p == 5 ? 9 : 0, page, 0, frame, 0);
        assertNull(chain.check(frame, 0), "frame " + p);
        assertEquals(enc.checksum(), chain.checksum());
      }
      assertEquals(9, FrameHeader.parse(frame, 0).commitSize());
    }
  }

  @Test
  void pageZeroIsRefused() {
    FrameEncoder enc = new FrameEncoder(WalHeader.create(true, 512, 0, 1, 2));
    assertThrows(
        IllegalArgumentException.class, () -> enc.encode(0, 0, new byte[512], 0, new byte[536], 0));
  }
}
