package dev.walship.format.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.Sqlite;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every WAL here was written by SQLite itself (sqlite-jdbc), then damaged by the test. */
class WalReaderTest {
  @TempDir Path tmp;

  /** A WAL of {@code rows} single-row transactions, copied while the connection is open. */
  private byte[] sqliteWal(int rows, int blobSize) throws Exception {
    Path db = tmp.resolve("w" + rows + "-" + blobSize + ".db");
    try (Connection c = Sqlite.openWal(db, 0)) {
      Sqlite.exec(c, "create table t(x)");
      for (int i = 0; i < rows; i++) {
        Sqlite.exec(c, "insert into t values(randomblob(" + blobSize + "))");
      }
      return Files.readAllBytes(Path.of(db + "-wal"));
    }
  }

  private static WalScan scan(byte[] wal) throws IOException {
    return WalReader.scan(new ByteArrayInputStream(wal));
  }

  @Test
  void readsAWalSqliteWrote() throws Exception {
    byte[] wal = sqliteWal(20, 3000);
    WalScan s = scan(wal);
    int frameSize = s.header().frameSize();
    long frames = (wal.length - 32) / frameSize;
    assertEquals(0, (wal.length - 32) % frameSize, "SQLite writes whole frames");
    assertEquals(
        WalHeader.MAGIC_LE, s.header().magic(), "x86 SQLite writes little-endian checksums");
    assertEquals(4096, s.header().pageSize());
    assertEquals(frames, s.validFrames());
    assertEquals(frames, s.lastCommitFrame(), "every transaction committed");
    assertEquals(wal.length, s.committedEnd());
    assertEquals(WalReader.Stop.END, s.stop());
    assertTrue(s.databasePages() >= 2);
  }

  @Test
  void stopsAtAFrameCutShortAndReportsTheLastCommit() throws Exception {
    byte[] wal = sqliteWal(10, 100);
    WalScan whole = scan(wal);
    byte[] cut = Arrays.copyOf(wal, wal.length - 100);
    WalScan s = scan(cut);
    assertEquals(WalReader.Stop.SHORT_FRAME, s.stop());
    assertEquals(whole.validFrames() - 1, s.validFrames());
    assertTrue(s.committedEnd() < whole.committedEnd());
    assertTrue(s.committedEnd() <= 32 + s.validFrames() * s.header().frameSize());
    assertTrue(s.stopDetail().contains("cut short"), s.stopDetail());
  }

  @Test
  void stopsAtAFlippedByte() throws Exception {
    byte[] wal = sqliteWal(10, 100);
    WalScan whole = scan(wal);
    int frameSize = whole.header().frameSize();
    int victim = 4; // 1-based frame number
    byte[] bad = wal.clone();
    bad[32 + (victim - 1) * frameSize + 24 + 1000] ^= 0x40;
    WalScan s = scan(bad);
    assertEquals(WalReader.Stop.INVALID_FRAME, s.stop());
    assertEquals(victim - 1, s.validFrames());
    assertTrue(s.stopDetail().startsWith("frame 4 checksum 0x"), s.stopDetail());
  }

  @Test
  void stopsAtFramesOfAnEarlierWalCycle() throws Exception {
    Path db = tmp.resolve("cycles.db");
    byte[] wal;
    WalHeader first;
    try (Connection c = Sqlite.openWal(db, 0)) {
      Sqlite.exec(c, "create table t(x)");
      for (int i = 0; i < 30; i++) {
        Sqlite.exec(c, "insert into t values(randomblob(2000))");
      }
      first = scan(Files.readAllBytes(Path.of(db + "-wal"))).header();
      Sqlite.exec(c, "PRAGMA wal_checkpoint(PASSIVE)");
      Sqlite.exec(
          c, "insert into t values(1)"); // restarts the WAL: new salts, frames from the start
      wal = Files.readAllBytes(Path.of(db + "-wal"));
    }
    WalScan s = scan(wal);
    assertNotEquals(first.salt1(), s.header().salt1());
    long inFile = (wal.length - 32) / s.header().frameSize();
    assertTrue(inFile > s.validFrames() + 5, "old frames follow the new ones in the file");
    assertEquals(WalReader.Stop.INVALID_FRAME, s.stop());
    assertEquals(
        FrameProblem.Kind.SALT, s.stop() == WalReader.Stop.INVALID_FRAME ? kindOf(wal) : null);
    assertEquals(s.validFrames(), s.lastCommitFrame());
  }

  private static FrameProblem.Kind kindOf(byte[] wal) throws IOException {
    WalReader r = WalReader.open(new ByteArrayInputStream(wal));
    while (r.next()) {
      // read to the stop
    }
    return r.problem().kind();
  }

  @Test
  void framesAfterTheLastCommitAreNotCommitted() throws Exception {
    Path db = tmp.resolve("inflight.db");
    byte[] wal;
    try (Connection c = Sqlite.openWal(db, 0)) {
      Sqlite.exec(c, "create table t(x)", "insert into t values(1)");
      Sqlite.exec(c, "PRAGMA cache_size=2");
      c.setAutoCommit(false);
      for (int i = 0; i < 50; i++) {
        Sqlite.exec(c, "insert into t values(randomblob(3000))"); // spills to the WAL uncommitted
      }
      wal = Files.readAllBytes(Path.of(db + "-wal"));
      c.rollback();
    }
    WalScan s = scan(wal);
    assertTrue(s.validFrames() > s.lastCommitFrame() + 10, s.toString());
    assertEquals(s.header().frameOffset(s.lastCommitFrame() + 1), s.committedEnd());
  }

  @Test
  void continuingReaderResumesTheChainMidWal() throws Exception {
    byte[] wal = sqliteWal(12, 500);
    WalHeader h = WalHeader.parse(wal, 0);
    int fs = h.frameSize();
    // read the first 3 frames, then resume from the stored checksum of frame 3
    WalReader first = WalReader.open(new ByteArrayInputStream(wal, 0, 32 + 3 * fs));
    while (first.next()) {
      // consume
    }
    assertEquals(3, first.frameNumber());
    long off = 32 + 3L * fs;
    WalReader rest =
        WalReader.continuing(
            new ByteArrayInputStream(wal, (int) off, wal.length - (int) off),
            h,
            off,
            first.checksum());
    long n = 0;
    while (rest.next()) {
      n++;
    }
    assertEquals(WalReader.Stop.END, rest.stop());
    assertEquals((wal.length - off) / fs, n);
    assertEquals(wal.length, rest.offset());
    assertEquals(3 + n, rest.frameNumber());
    // a wrong starting checksum fails the first frame
    WalReader wrong =
        WalReader.continuing(
            new ByteArrayInputStream(wal, (int) off, wal.length - (int) off),
            h,
            off,
            new WalChecksum(1, 2));
    assertEquals(false, wrong.next());
    assertEquals(FrameProblem.Kind.CHECKSUM, wrong.problem().kind());
    assertThrows(
        IllegalArgumentException.class,
        () -> WalReader.continuing(new ByteArrayInputStream(wal), h, 33, first.checksum()));
  }

  @Test
  void frameBytesAreTheFileBytes() throws Exception {
    byte[] wal = sqliteWal(3, 100);
    WalReader r = WalReader.open(new ByteArrayInputStream(wal));
    assertTrue(r.next());
    assertArrayEquals(Arrays.copyOfRange(wal, 32, 32 + r.header().frameSize()), r.frame());
    assertTrue(r.frameHeader().pageNumber() > 0);
  }

  @Test
  void rejectsAFileThatIsNotAWal() {
    WalFormatException e = assertThrows(WalFormatException.class, () -> scan(new byte[0]));
    assertEquals("WAL header: 0 bytes, expected 32", e.getMessage());
  }
}
