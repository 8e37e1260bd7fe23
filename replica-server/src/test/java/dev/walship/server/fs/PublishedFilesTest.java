package dev.walship.server.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.server.LayoutSamples;
import dev.walship.server.MinaSftp;
import dev.walship.server.ServerFixture;
import dev.walship.testing.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, findings 1, 2 and 6 (staged uploads), as a hostile client tries them with MINA's SFTP
 * client: a file under a layout name never holds bytes that did not pass validation, and nothing
 * published changes in place.
 */
class PublishedFilesTest {
  static final String GEN = "/db/generations/00112233aabbccdd";
  @TempDir static Path dir;
  static ServerFixture f;
  static LayoutSamples s;
  static byte[] junk;

  @BeforeAll
  static void start() {
    f = ServerFixture.start(dir);
    s = LayoutSamples.make(dir.resolve("samples"), 8);
    junk = new byte[s.snapshot().length + 4096];
    Arrays.fill(junk, (byte) 'x');
    Proc.Result r =
        f.client.sftp(
            f.dir,
            "mkdir db/generations",
            "mkdir " + GEN.substring(1),
            "mkdir " + GEN.substring(1) + "/snapshots",
            "mkdir " + GEN.substring(1) + "/wal");
    assertEquals(0, r.exit(), r.toString());
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private static Path host(String view) {
    return f.root.resolve(view.substring(1));
  }

  private static void upload(MinaSftp m, String path, byte[] content) throws IOException {
    try (CloseableHandle h =
        m.sftp.open(path, OpenMode.Write, OpenMode.Create, OpenMode.Truncate)) {
      m.sftp.write(h, 0, content);
    }
  }

  private static List<Path> hiddenFiles() throws IOException {
    try (Stream<Path> all = Files.walk(f.root)) {
      return all.filter(
              p -> HiddenNames.isHidden(p.getFileName().toString()) && Files.isRegularFile(p))
          .toList();
    }
  }

  /**
   * Finding 1: the handle a file was written through stays open across the rename onto a layout
   * name.
   */
  @Test
  void aHandleStillOpenAfterTheRenameCannotChangeThePublishedFile() throws Exception {
    for (String scratch : List.of("/db/scratch", GEN + "/snapshots/00000001.snapshot.lz4.tmp")) {
      String target =
          GEN + "/snapshots/0000000" + (scratch.endsWith(".tmp") ? "2" : "1") + ".snapshot.lz4";
      try (MinaSftp m = MinaSftp.connect(f);
          MinaSftp other = MinaSftp.connect(f)) {
        CloseableHandle h =
            m.sftp.open(scratch, OpenMode.Write, OpenMode.Create, OpenMode.Truncate);
        m.sftp.write(h, 0, s.snapshot());
        try {
          other.sftp.rename(scratch, target);
        } catch (SftpException refused) {
          // refusing the rename while a handle is open also closes the hole
        }
        try {
          m.sftp.write(h, 0, junk);
          m.sftp.close(h);
        } catch (SftpException refused) {
          // so does failing the write or the close
        }
      }
      if (Files.exists(host(target))) {
        assertArrayEquals(
            s.snapshot(),
            Files.readAllBytes(host(target)),
            target
                + " holds bytes that never passed validation (written through "
                + scratch
                + "'s handle)");
      }
    }
    assertEquals(List.of(), hiddenFiles());
  }

  /** Finding 2: SETSTAT size on a published snapshot's path. */
  @Test
  void setstatSizeCannotTruncateAPublishedFile() throws Exception {
    String path = GEN + "/snapshots/00000003.snapshot.lz4";
    try (MinaSftp m = MinaSftp.connect(f)) {
      upload(m, path, s.snapshot());
      SftpException e =
          assertThrows(SftpException.class, () -> m.sftp.setStat(path, new Attributes().size(0)));
      assertEquals(SftpConstants.SSH_FX_PERMISSION_DENIED, e.getStatus(), e.getMessage());
    }
    assertArrayEquals(s.snapshot(), Files.readAllBytes(host(path)));
  }

  /** Finding 2: FSETSTAT size on a handle opened read-only. */
  @Test
  void fsetstatSizeOnAReadOnlyHandleCannotTruncate() throws Exception {
    String path = GEN + "/snapshots/00000004.snapshot.lz4";
    try (MinaSftp m = MinaSftp.connect(f)) {
      upload(m, path, s.snapshot());
      try (CloseableHandle h = m.sftp.open(path, OpenMode.Read)) {
        SftpException e =
            assertThrows(SftpException.class, () -> m.sftp.setStat(h, new Attributes().size(10)));
        assertEquals(SftpConstants.SSH_FX_PERMISSION_DENIED, e.getStatus(), e.getMessage());
      }
    }
    assertArrayEquals(s.snapshot(), Files.readAllBytes(host(path)));
  }

  /**
   * Opening a published file for writing without truncating it writes a private copy, validated at
   * close.
   */
  @Test
  void writingIntoAPublishedFileInPlaceIsStagedAndValidated() throws Exception {
    String path = GEN + "/snapshots/00000005.snapshot.lz4";
    try (MinaSftp m = MinaSftp.connect(f)) {
      upload(m, path, s.snapshot());
      CloseableHandle h = m.sftp.open(path, OpenMode.Write);
      m.sftp.write(h, 100, junk, 0, 64);
      assertArrayEquals(
          s.snapshot(), Files.readAllBytes(host(path)), "unchanged while the handle is open");
      SftpException e = assertThrows(SftpException.class, () -> m.sftp.close(h));
      assertTrue(e.getMessage().contains("Upload rejected"), e.getMessage());
    }
    assertArrayEquals(s.snapshot(), Files.readAllBytes(host(path)));
    assertEquals(List.of(), hiddenFiles());
  }

  /**
   * Finding 6: a directory renamed while an upload into it is staged leaves no hidden file behind.
   */
  @Test
  void renamingTheDirectoryOfAStagedUploadOrphansNothing() throws Exception {
    try (MinaSftp m = MinaSftp.connect(f)) {
      String g = "/db/d1/generations/00112233aabbccdd";
      for (String d : List.of("/db/d1", "/db/d1/generations", g, g + "/snapshots")) {
        m.sftp.mkdir(d);
      }
      CloseableHandle plain =
          m.sftp.open(
              g + "/snapshots/00000001.snapshot.lz4",
              OpenMode.Write,
              OpenMode.Create,
              OpenMode.Truncate);
      m.sftp.write(plain, 0, s.snapshot());
      m.sftp.rename("/db/d1", "/db/d2");
      try {
        m.sftp.close(plain);
      } catch (SftpException e) {
        // the upload may fail (its directory is gone); it must leave nothing behind
      }
    }
    assertEquals(List.of(), hiddenFiles());
    assertFalse(Files.exists(f.root.resolve("db/d1")));
  }
}
