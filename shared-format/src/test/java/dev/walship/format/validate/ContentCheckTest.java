package dev.walship.format.validate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.layout.WalSegmentName;
import dev.walship.format.lz4.Lz4;
import dev.walship.format.wal.WalChecksum;
import dev.walship.format.wal.WalHeader;
import dev.walship.testing.Sqlite;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Segments cut from WALs SQLite wrote, snapshots copied from databases SQLite wrote. */
class ContentCheckTest {
  static final Generation G = Generation.parse("00000000000000aa");
  @TempDir Path tmp;
  byte[] wal;
  int fs;

  @BeforeEach
  void wal() throws Exception {
    wal = Sqlite.writeWal(tmp.resolve("src.db"), 12, 600);
    fs = WalHeader.parse(wal, 0).frameSize();
  }

  static byte[] lz4(byte[] b, int from, int to) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (OutputStream out = Lz4.compressing(bos)) {
      out.write(b, from, to - from);
    }
    return bos.toByteArray();
  }

  static SegmentSummary check(WalSegmentName n, byte[] lz, SegmentContext ctx) throws IOException {
    return ContentCheck.segment(n, new ByteArrayInputStream(lz), ctx);
  }

  @Test
  void segmentsOfOneIndexChain() throws IOException {
    int cut = 32 + 3 * fs;
    SegmentSummary first =
        check(new WalSegmentName(G, 0, 0), lz4(wal, 0, cut), SegmentContext.UNKNOWN);
    assertEquals(3, first.frames());
    assertEquals(cut, first.endOffset());
    assertEquals(WalHeader.parse(wal, 0), first.indexHeader());
    SegmentSummary second =
        check(
            new WalSegmentName(G, 0, cut), lz4(wal, cut, wal.length), SegmentContext.after(first));
    assertEquals(wal.length, second.endOffset());
    assertEquals((wal.length - cut) / fs, second.frames());
    assertEquals(wal.length, second.lastCommitEnd());
  }

  @Test
  void copiesVerifiedBytesToASink() throws IOException {
    int cut = 32 + 3 * fs;
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    SegmentSummary first =
        ContentCheck.segment(
            new WalSegmentName(G, 0, 0),
            new ByteArrayInputStream(lz4(wal, 0, cut)),
            SegmentContext.UNKNOWN,
            sink);
    ContentCheck.segment(
        new WalSegmentName(G, 0, cut),
        new ByteArrayInputStream(lz4(wal, cut, wal.length)),
        SegmentContext.after(first),
        sink);
    assertArrayEquals(wal, sink.toByteArray());
    // a damaged frame is not copied: the sink holds the verified prefix only
    byte[] bad = wal.clone();
    bad[32 + 2 * fs + 100] ^= 1;
    ByteArrayOutputStream partial = new ByteArrayOutputStream();
    assertThrows(
        ValidationException.class,
        () ->
            ContentCheck.segment(
                new WalSegmentName(G, 0, 0),
                new ByteArrayInputStream(lz4(bad, 0, bad.length)),
                SegmentContext.UNKNOWN,
                partial));
    assertArrayEquals(Arrays.copyOf(wal, 32 + 2 * fs), partial.toByteArray());
  }

  @Test
  void aFailingSinkIsNotReportedAsDamage() {
    OutputStream full =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("No space left on device");
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            throw new IOException("No space left on device");
          }
        };
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                ContentCheck.segment(
                    new WalSegmentName(G, 0, 0),
                    new ByteArrayInputStream(lz4(wal, 0, wal.length)),
                    SegmentContext.UNKNOWN,
                    full));
    assertEquals("No space left on device", e.getMessage());
  }

  @Test
  void aBrokenChainNamesTheFrame() throws IOException {
    int cut = 32 + 3 * fs;
    ValidationException e =
        assertThrows(
            ValidationException.class,
            () ->
                check(
                    new WalSegmentName(G, 0, cut),
                    lz4(wal, cut, wal.length),
                    new SegmentContext(WalHeader.parse(wal, 0), new WalChecksum(1, 2))));
    assertTrue(
        e.getMessage()
            .startsWith("segment 00000000_" + String.format("%08x", cut) + ": frame 4 checksum 0x"),
        e.getMessage());
  }

  @Test
  void aFrameOfAnotherCycleNamesBothSalts() throws Exception {
    WalHeader h = WalHeader.parse(wal, 0);
    byte[] bad = wal.clone();
    bad[32 + 2 * fs + 8] ^= 0x01; // salt-1 of frame 3
    ValidationException e =
        assertThrows(
            ValidationException.class,
            () ->
                check(
                    new WalSegmentName(G, 0, 0), lz4(bad, 0, bad.length), SegmentContext.UNKNOWN));
    assertEquals(
        String.format(
            "segment 00000000_00000000: frame 3 salt 0x%08x/0x%08x != header salt 0x%08x/0x%08x",
            h.salt1() ^ 0x01000000, h.salt2(), h.salt1(), h.salt2()),
        e.getMessage());
  }

  @Test
  void partialFramesAndEmptySegmentsAreRefused() throws IOException {
    ValidationException e =
        assertThrows(
            ValidationException.class,
            () ->
                check(
                    new WalSegmentName(G, 0, 0),
                    lz4(wal, 0, 32 + fs + 10),
                    SegmentContext.UNKNOWN));
    assertEquals(
        "segment 00000000_00000000: not whole frames: frame 2 cut short: 10 of " + fs + " bytes",
        e.getMessage());
    WalHeader h = WalHeader.parse(wal, 0);
    ValidationException empty =
        assertThrows(
            ValidationException.class,
            () ->
                check(
                    new WalSegmentName(G, 0, 32),
                    lz4(wal, 0, 0),
                    new SegmentContext(h, h.checksum())));
    assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
    ValidationException header =
        assertThrows(
            ValidationException.class,
            () -> check(new WalSegmentName(G, 0, 0), lz4(wal, 0, 20), SegmentContext.UNKNOWN));
    assertEquals(
        "segment 00000000_00000000: WAL header: 20 bytes, expected 32", header.getMessage());
    assertEquals("WAL header: 20 bytes, expected 32", header.reason());
  }

  @Test
  void misalignedOffsetIsRefusedWhenThePageSizeIsKnown() throws IOException {
    WalHeader h = WalHeader.parse(wal, 0);
    ValidationException e =
        assertThrows(
            ValidationException.class,
            () ->
                check(
                    new WalSegmentName(G, 0, 40),
                    lz4(wal, 40, 40 + fs),
                    new SegmentContext(h, null)));
    assertTrue(e.getMessage().contains("not frame-aligned for page size 4096"), e.getMessage());
  }

  @Test
  void unknownHeaderChecksOnlyLz4() throws IOException {
    SegmentSummary s =
        check(new WalSegmentName(G, 0, 32), lz4(wal, 32, 32 + fs), SegmentContext.UNKNOWN);
    assertNull(s.indexHeader());
    assertEquals(fs, s.decodedLength());
  }

  @Test
  void damagedLz4IsReportedAsSuch() throws IOException {
    byte[] lz = lz4(wal, 0, wal.length);
    lz[lz.length - 2] ^= 0x10; // content checksum
    ValidationException e =
        assertThrows(
            ValidationException.class,
            () -> check(new WalSegmentName(G, 0, 0), lz, SegmentContext.UNKNOWN));
    assertTrue(e.getMessage().startsWith("segment 00000000_00000000: LZ4: "), e.getMessage());
    byte[] notLz4 = Arrays.copyOfRange(wal, 0, 64);
    ValidationException e2 =
        assertThrows(
            ValidationException.class,
            () -> check(new WalSegmentName(G, 0, 0), notLz4, SegmentContext.UNKNOWN));
    assertTrue(e2.getMessage().startsWith("segment 00000000_00000000: LZ4: "), e2.getMessage());
  }

  private byte[] database() throws Exception {
    Path db = tmp.resolve("snap.db");
    try (Connection c = Sqlite.openWal(db, 1000)) {
      Sqlite.exec(
          c,
          "create table t(x)",
          "insert into t values(randomblob(20000))",
          "PRAGMA wal_checkpoint(TRUNCATE)");
    }
    return Files.readAllBytes(db);
  }

  @Test
  void aSnapshotOfARealDatabaseValidates() throws Exception {
    byte[] db = database();
    SnapshotSummary s =
        ContentCheck.snapshot(
            new SnapshotName(G, 0), new ByteArrayInputStream(lz4(db, 0, db.length)));
    assertEquals(4096, s.pageSize());
    assertEquals(db.length / 4096, s.pages());
    assertEquals(s.pages(), s.headerPages());
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    ContentCheck.snapshot(
        new SnapshotName(G, 0), new ByteArrayInputStream(lz4(db, 0, db.length)), copy);
    assertArrayEquals(db, copy.toByteArray());
  }

  @Test
  void implausibleSnapshotsAreRefusedWithTheReason() throws Exception {
    byte[] db = database();
    SnapshotName n = new SnapshotName(G, 1);
    assertEquals(
        "snapshot 00000001.snapshot.lz4: truncated: the database header counts "
            + db.length / 4096
            + " pages, the file holds "
            + (db.length / 4096 - 1),
        assertThrows(
                ValidationException.class,
                () ->
                    ContentCheck.snapshot(
                        n, new ByteArrayInputStream(lz4(db, 0, db.length - 4096))))
            .getMessage());
    assertTrue(
        assertThrows(
                ValidationException.class,
                () ->
                    ContentCheck.snapshot(n, new ByteArrayInputStream(lz4(db, 0, db.length - 100))))
            .getMessage()
            .contains("is not a whole number of 4096-byte pages"));
    byte[] notDb = db.clone();
    notDb[0] = 'X';
    assertEquals(
        "snapshot 00000001.snapshot.lz4: not a SQLite database (no 'SQLite format 3' magic)",
        assertThrows(
                ValidationException.class,
                () ->
                    ContentCheck.snapshot(n, new ByteArrayInputStream(lz4(notDb, 0, notDb.length))))
            .getMessage());
    byte[] lz = lz4(db, 0, db.length);
    lz[lz.length / 2] ^= 0x20;
    assertTrue(
        assertThrows(
                ValidationException.class,
                () -> ContentCheck.snapshot(n, new ByteArrayInputStream(lz)))
            .getMessage()
            .startsWith("snapshot 00000001.snapshot.lz4: "));
  }
}
