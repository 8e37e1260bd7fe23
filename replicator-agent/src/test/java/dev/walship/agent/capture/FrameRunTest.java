package dev.walship.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.wal.WalHeader;
import dev.walship.format.wal.WalReader;
import dev.walship.format.wal.WalScan;
import dev.walship.testing.Sqlite;
import java.io.ByteArrayInputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameRunTest {
  @TempDir Path dir;

  @Test
  void aRunStopsAtTheLastCommitFrameWhileATransactionIsInFlight() throws Exception {
    Path db = dir.resolve("f.db");
    try (Connection app = Sqlite.openWal(db, 0);
        Connection w = Sqlite.openWal(db, 0)) {
      Sqlite.exec(app, "create table t(x)", "insert into t values(randomblob(5000))");
      Sqlite.exec(w, "PRAGMA cache_size=5", "BEGIN");
      for (int i = 0; i < 40; i++) {
        Sqlite.exec(w, "insert into t values(randomblob(3000))");
      }
      byte[] wal = Files.readAllBytes(LiveWal.pathOf(db));
      WalScan scan = WalReader.scan(new ByteArrayInputStream(wal));
      assertTrue(scan.validFrames() > scan.lastCommitFrame(), "frames of the open transaction");
      List<long[]> written = new ArrayList<>(); // (offset, length) of each write to the sink
      try (FileChannel ch = FileChannel.open(LiveWal.pathOf(db), StandardOpenOption.READ)) {
        FrameRun.Result r =
            FrameRun.fromStart(
                ch, scan.header(), (off, b, o, len) -> written.add(new long[] {off, len}));
        assertEquals(scan.committedEnd(), r.end());
        assertEquals(scan.lastCommitFrame(), r.frames());
        assertEquals(scan.committedChecksum(), r.checksum());
        int frameSize = scan.header().frameSize();
        long next = WalHeader.SIZE;
        for (long[] write : written) { // whole frames, in order, every one once
          assertEquals(next, write[0]);
          assertEquals(0, write[1] % frameSize, "a write of " + write[1] + " bytes");
          next += write[1];
        }
        assertTrue(next >= r.end(), "the sink got up to " + next + ", the run ends at " + r.end());
        long bytes = next - WalHeader.SIZE;
        long chunk = (long) ((1 << 20) / frameSize) * frameSize; // what one read takes
        assertEquals((bytes + chunk - 1) / chunk, written.size(), "writes for " + bytes + " bytes");
        assertEquals(scan.committedEnd(), FrameRun.lastCommitCandidate(ch, scan.header(), 32));
      }
      Sqlite.exec(w, "ROLLBACK");
    }
  }

  @Test
  void aRunContinuesFromAnOffsetAndReportsPagesAndCommits() throws Exception {
    Path db = dir.resolve("g.db");
    byte[] wal = Sqlite.writeWal(db, 20, 100);
    Path copy = dir.resolve("copy-wal");
    Files.write(copy, wal);
    WalScan scan = WalReader.scan(new ByteArrayInputStream(wal));
    try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.READ)) {
      WalHeader h = scan.header();
      FrameRun.Result first = FrameRun.read(ch, h, 32, h.checksum(), null);
      assertEquals(scan.committedEnd(), first.end());
      FrameRun.Result part = FrameRun.read(ch, h, h.frameOffset(4), null, null);
      assertEquals(scan.committedEnd(), part.end());
      FrameRun.Result none = FrameRun.read(ch, h, first.end(), first.checksum(), null);
      assertEquals(0, none.frames());
      assertNull(none.lastFrame());
      assertEquals(first.frames() * 2, first.updates().length);
      assertEquals(first.dbPages(), (int) first.commitSizes()[first.commitSizes().length - 1]);
      PageImage img = new PageImage(h.pageSize());
      first.applyTo(img);
      assertEquals(first.dbPages(), img.pageCount());
    }
  }

  @Test
  void aDamagedFrameEndsTheRunAtTheCommitBeforeIt() throws Exception {
    Path db = dir.resolve("d.db");
    byte[] wal = Sqlite.writeWal(db, 20, 100);
    WalScan scan = WalReader.scan(new ByteArrayInputStream(wal));
    long off = scan.header().frameOffset(scan.lastCommitFrame()) + 100;
    wal[(int) off] ^= 1;
    Path copy = dir.resolve("copy-wal");
    Files.write(copy, wal);
    try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.READ)) {
      FrameRun.Result r = FrameRun.fromStart(ch, scan.header(), null);
      assertTrue(r.end() < scan.committedEnd());
      assertEquals(WalReader.scan(new ByteArrayInputStream(wal)).committedEnd(), r.end());
    }
  }
}
