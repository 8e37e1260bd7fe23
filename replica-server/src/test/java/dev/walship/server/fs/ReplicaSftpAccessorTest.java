package dev.walship.server.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.server.LayoutSamples;
import dev.walship.server.MinaSftp;
import dev.walship.server.ServerFixture;
import dev.walship.testing.Await;
import dev.walship.testing.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHFsyncExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uploads into a replica tree: atomic, validated, and invisible until finished. */
class ReplicaSftpAccessorTest {
  static final String GEN = "db/generations/00112233aabbccdd";
  @TempDir static Path dir;
  static ServerFixture f;
  static LayoutSamples s;
  static Path snapshots;
  static Path wal;

  @BeforeAll
  static void start() throws Exception {
    f = ServerFixture.start(dir);
    s = LayoutSamples.make(dir.resolve("samples"), 8);
    Proc.Result r =
        f.client.sftp(
            f.dir,
            "mkdir db/generations",
            "mkdir " + GEN,
            "mkdir " + GEN + "/snapshots",
            "mkdir " + GEN + "/wal");
    assertEquals(0, r.exit(), r.toString());
    snapshots = f.root.resolve(GEN + "/snapshots");
    wal = f.root.resolve(GEN + "/wal");
    Files.write(f.dir.resolve("snap.lz4"), s.snapshot());
    Files.write(f.dir.resolve("junk.lz4"), LayoutSamples.lz4("junk".getBytes()));
    f.localFile("junk.txt", "junk\n");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private static String seg(long offset) {
    return String.format("00000000_%08x.wal.lz4", offset);
  }

  private static Path local(String name, byte[] content) throws Exception {
    return Files.write(f.dir.resolve(name), content);
  }

  private static List<String> names(Path d) throws Exception {
    try (Stream<Path> st = Files.list(d)) {
      return st.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static void noHiddenFiles(Path d) {
    Await.until(
        Duration.ofSeconds(10),
        "no hidden file left in " + d,
        () -> names(d).stream().noneMatch(HiddenNames::isHidden));
  }

  @Test
  void aValidSnapshotLandsAndAnInvalidOneLeavesNothing() throws Exception {
    Proc.Result ok =
        f.client.sftp(f.dir, "put snap.lz4 " + GEN + "/snapshots/00000000.snapshot.lz4");
    assertEquals(0, ok.exit(), ok.toString());
    assertArrayEquals(s.snapshot(), Files.readAllBytes(snapshots.resolve("00000000.snapshot.lz4")));

    Proc.Result bad =
        f.client.sftp(f.dir, "put junk.lz4 " + GEN + "/snapshots/00000001.snapshot.lz4");
    assertNotEquals(0, bad.exit(), bad.toString());
    assertFalse(Files.exists(snapshots.resolve("00000001.snapshot.lz4")));
    Proc.Result replace =
        f.client.sftp(f.dir, "put junk.txt " + GEN + "/snapshots/00000000.snapshot.lz4");
    assertNotEquals(0, replace.exit(), replace.toString());
    assertArrayEquals(
        s.snapshot(),
        Files.readAllBytes(snapshots.resolve("00000000.snapshot.lz4")),
        "the old file stays");
    noHiddenFiles(snapshots);
  }

  @Test
  void segmentsMustContinueTheirIndex() throws Exception {
    long a = s.frameOffset(2);
    long b = s.frameOffset(4);
    local("s0", s.segment(0, a));
    local("s1", s.segment(a, b));
    local(
        "wrong",
        LayoutSamples.lz4(
            Arrays.copyOfRange(s.wal(), (int) s.frameOffset(6), (int) s.frameOffset(7))));
    Proc.Result r =
        f.client.sftp(
            f.dir, "put s0 " + GEN + "/wal/" + seg(0), "put s1 " + GEN + "/wal/" + seg(a));
    assertEquals(0, r.exit(), r.toString());
    Proc.Result wrong = f.client.sftp(f.dir, "put wrong " + GEN + "/wal/" + seg(b));
    assertNotEquals(0, wrong.exit(), wrong.toString());
    assertFalse(Files.exists(wal.resolve(seg(b))));
    noHiddenFiles(wal);
  }

  @Test
  void theClientsMtimeIsKept() throws Exception {
    Path file = local("timed.lz4", s.snapshot());
    Instant when = Instant.parse("2024-05-06T07:08:09Z");
    Files.setLastModifiedTime(file, FileTime.from(when));
    Proc.Result r =
        f.client.sftp(
            f.dir,
            "put -p timed.lz4 " + GEN + "/snapshots/00000007.snapshot.lz4",
            "put -p timed.lz4 db/timed-plain");
    assertEquals(0, r.exit(), r.toString());
    assertEquals(
        when, Files.getLastModifiedTime(snapshots.resolve("00000007.snapshot.lz4")).toInstant());
    assertEquals(when, Files.getLastModifiedTime(f.root.resolve("db/timed-plain")).toInstant());
  }

  @Test
  void tempThenRenameIsValidatedAtTheRename() throws Exception {
    Proc.Result r =
        f.client.sftp(
            f.dir,
            "put snap.lz4 " + GEN + "/snapshots/00000002.snapshot.lz4.tmp",
            "rename "
                + GEN
                + "/snapshots/00000002.snapshot.lz4.tmp "
                + GEN
                + "/snapshots/00000002.snapshot.lz4",
            "put junk.lz4 " + GEN + "/snapshots/00000003.snapshot.lz4.tmp",
            "-rename "
                + GEN
                + "/snapshots/00000003.snapshot.lz4.tmp "
                + GEN
                + "/snapshots/00000003.snapshot.lz4");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.stderr().contains("Failure") || r.stderr().contains("rejected"), r.toString());
    assertArrayEquals(s.snapshot(), Files.readAllBytes(snapshots.resolve("00000002.snapshot.lz4")));
    assertFalse(Files.exists(snapshots.resolve("00000003.snapshot.lz4")));
  }

  @Test
  void aDroppedConnectionLeavesTheOldFileAndNoTrace() throws Exception {
    String name = GEN + "/snapshots/00000009.snapshot.lz4";
    Files.write(snapshots.resolve("00000009.snapshot.lz4"), s.snapshot());
    byte[] next = LayoutSamples.lz4(new byte[1 << 20]);
    MinaSftp m = MinaSftp.connect(f);
    try {
      SftpClient.CloseableHandle h =
          m.sftp.open("/" + name, OpenMode.Write, OpenMode.Create, OpenMode.Truncate);
      m.sftp.write(h, 0, next, 0, next.length / 2);
      m.sftp.getExtension(OpenSSHFsyncExtension.class).fsync(h);
      assertArrayEquals(
          s.snapshot(),
          Files.readAllBytes(snapshots.resolve("00000009.snapshot.lz4")),
          "not replaced while open");
      List<String> listed = new ArrayList<>();
      m.sftp.readDir("/" + GEN + "/snapshots").forEach(e -> listed.add(e.getFilename()));
      assertTrue(
          listed.stream().noneMatch(HiddenNames::isHidden),
          "the temporary file is never listed: " + listed);
      Path staging = f.root.resolve("db").resolve(HiddenNames.STAGING);
      String hidden =
          names(staging).stream().filter(HiddenNames::isHidden).findFirst().orElseThrow();
      for (String path :
          List.of("/db/" + HiddenNames.STAGING + "/" + hidden, "/db/" + HiddenNames.STAGING)) {
        SftpException e = assertThrows(SftpException.class, () -> m.sftp.stat(path));
        assertEquals(SftpConstants.SSH_FX_NO_SUCH_FILE, e.getStatus());
      }
      m.sftp.readDir("/db").forEach(e -> listed.add(e.getFilename()));
      assertTrue(
          listed.stream().noneMatch(HiddenNames::isHidden),
          "the staging directory is never listed: " + listed);
      Proc.Result ls = f.client.sftp(f.dir, "ls -la " + GEN + "/snapshots");
      assertFalse(ls.stdout().contains(HiddenNames.PREFIX), ls.toString());
    } finally {
      m.drop();
    }
    noHiddenFiles(snapshots);
    noHiddenFiles(f.root.resolve("db").resolve(HiddenNames.STAGING));
    assertArrayEquals(s.snapshot(), Files.readAllBytes(snapshots.resolve("00000009.snapshot.lz4")));
  }

  @Test
  void aDroppedFirstUploadLeavesNoFile() throws Exception {
    MinaSftp m = MinaSftp.connect(f);
    try {
      SftpClient.CloseableHandle h =
          m.sftp.open("/" + GEN + "/wal/" + seg(s.frameOffset(7)), OpenMode.Write, OpenMode.Create);
      m.sftp.write(h, 0, new byte[] {4, 34, 77, 24});
    } finally {
      m.drop();
    }
    noHiddenFiles(wal);
    assertFalse(Files.exists(wal.resolve(seg(s.frameOffset(7)))));
  }

  @Test
  void aFileBeingWrittenIsVisibleToItsWriterOnlyUntilItIsClosed() throws Exception {
    String path = "/" + GEN + "/snapshots/0000000c.snapshot.lz4.tmp";
    try (MinaSftp m = MinaSftp.connect(f);
        MinaSftp other = MinaSftp.connect(f)) {
      SftpClient.CloseableHandle h =
          m.sftp.open(path, OpenMode.Write, OpenMode.Create, OpenMode.Truncate);
      m.sftp.write(h, 0, s.snapshot());
      assertEquals(
          s.snapshot().length,
          m.sftp.stat(h).getSize(),
          "fstat, as our agent checks what the server stored");
      assertEquals(
          s.snapshot().length, m.sftp.stat(path).getSize(), "stat by name in the writing session");
      SftpException e = assertThrows(SftpException.class, () -> other.sftp.stat(path));
      assertEquals(
          SftpConstants.SSH_FX_NO_SUCH_FILE,
          e.getStatus(),
          "other sessions see it when it is complete");
      m.sftp.getExtension(OpenSSHFsyncExtension.class).fsync(h);
      h.close();
      assertEquals(s.snapshot().length, other.sftp.stat(path).getSize());
    }
  }

  @Test
  void listingsCarryEveryEntryWithItsAttributes() throws Exception {
    Files.createDirectories(f.root.resolve("db/listed/generations/0011223344556677"));
    Files.write(f.root.resolve("db/listed/file"), new byte[1234]);
    Files.setLastModifiedTime(
        f.root.resolve("db/listed/file"), FileTime.from(Instant.parse("2024-05-06T07:08:09Z")));
    try (MinaSftp m = MinaSftp.connect(f)) {
      List<SftpClient.DirEntry> entries = new ArrayList<>();
      m.sftp.readDir("/db/listed").forEach(entries::add);
      List<String> names = entries.stream().map(SftpClient.DirEntry::getFilename).sorted().toList();
      assertEquals(List.of(".", "..", "file", "generations"), names);
      SftpClient.Attributes file =
          entries.stream()
              .filter(e -> e.getFilename().equals("file"))
              .findFirst()
              .orElseThrow()
              .getAttributes();
      assertEquals(1234, file.getSize());
      assertTrue(file.isRegularFile());
      assertEquals(Instant.parse("2024-05-06T07:08:09Z"), file.getModifyTime().toInstant());
      assertTrue(
          entries.stream()
              .filter(e -> e.getFilename().equals("generations"))
              .findFirst()
              .orElseThrow()
              .getAttributes()
              .isDirectory());
      List<String> gens = new ArrayList<>();
      m.sftp.readDir("/db/listed/generations").forEach(e -> gens.add(e.getFilename()));
      assertTrue(gens.contains("0011223344556677"), gens.toString());
    }
    Proc.Result ls = f.client.sftp(f.dir, "ls -l db/listed");
    assertTrue(
        ls.stdout().matches("(?s).*-rw\\S* +1 replicator +replicator +1234 .* file\n.*"),
        ls.toString());
  }

  @Test
  void exclusiveCreateAndFsync() throws Exception {
    Files.write(snapshots.resolve("0000000a.snapshot.lz4"), s.snapshot());
    try (MinaSftp m = MinaSftp.connect(f)) {
      SftpException e =
          assertThrows(
              SftpException.class,
              () ->
                  m.sftp.open(
                      "/" + GEN + "/snapshots/0000000a.snapshot.lz4",
                      OpenMode.Write,
                      OpenMode.Create,
                      OpenMode.Exclusive));
      assertEquals(SftpConstants.SSH_FX_FILE_ALREADY_EXISTS, e.getStatus());
    }
    Proc.Result r =
        f.client.sftp(
            f.dir,
            "put -f snap.lz4 " + GEN + "/snapshots/0000000b.snapshot.lz4",
            "put -f junk.txt db/synced.txt");
    assertEquals(0, r.exit(), r.toString());
    assertFalse(r.stderr().contains("fsync"), "fsync@openssh.com is offered: " + r);
    assertTrue(Files.exists(snapshots.resolve("0000000b.snapshot.lz4")));
  }
}
