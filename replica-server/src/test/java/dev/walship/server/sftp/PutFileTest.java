package dev.walship.server.sftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.server.LayoutSamples;
import dev.walship.server.MinaSftp;
import dev.walship.server.MinaSftp.Status;
import dev.walship.server.ServerFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.sshd.sftp.common.SftpConstants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code put-file@walship.dev}, sent as a client would: one request publishes a whole file through
 * the same checks as OPEN, WRITE, FSETSTAT and CLOSE, and every refusal keeps the old file and
 * leaves nothing staged.
 */
class PutFileTest {
  static final String GEN = "/db/generations/00112233aabbccdd";
  static final long MTIME = 1_790_000_007L;
  @TempDir static Path dir;
  static ServerFixture f;
  static LayoutSamples s;

  @BeforeAll
  static void start() throws IOException {
    f = ServerFixture.start(dir);
    s = LayoutSamples.make(dir.resolve("samples"), 8);
    try (MinaSftp m = MinaSftp.connect(f)) {
      m.sftp.mkdir("/db/generations");
      m.sftp.mkdir(GEN);
      m.sftp.mkdir(GEN + "/snapshots");
      m.sftp.mkdir(GEN + "/wal");
    }
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private static Path host(String view) {
    return f.root.resolve(view.substring(1));
  }

  private static Status put(String path, byte[] content) throws IOException {
    try (MinaSftp m = MinaSftp.connect(f)) {
      return m.putFile(path, MTIME, content, content.length);
    }
  }

  /** Every regular file under the user's root, as the user sees it. */
  private static List<String> files() throws IOException {
    try (Stream<Path> all = Files.walk(f.root)) {
      return all.filter(Files::isRegularFile)
          .map(p -> "/" + f.root.relativize(p))
          .sorted()
          .toList();
    }
  }

  @Test
  void aSnapshotIsPublishedWithItsMtimeInOneRequest() throws Exception {
    String path = GEN + "/snapshots/00000000.snapshot.lz4";
    assertEquals(new Status(SftpConstants.SSH_FX_OK, ""), put(path, s.snapshot()));
    assertArrayEquals(s.snapshot(), Files.readAllBytes(host(path)));
    assertEquals(MTIME, Files.getLastModifiedTime(host(path)).toMillis() / 1000);
    assertTrue(files().contains(path), files().toString());
  }

  @Test
  void aFileThatFailsValidationIsRefusedAndTheOldOneKept() throws Exception {
    String path = GEN + "/snapshots/00000001.snapshot.lz4";
    assertEquals(SftpConstants.SSH_FX_OK, put(path, s.snapshot()).code());
    List<String> before = files();
    byte[] junk = "not an lz4 frame".getBytes(StandardCharsets.UTF_8);
    Status refused = put(path, junk);
    assertEquals(SftpConstants.SSH_FX_FAILURE, refused.code(), refused.toString());
    assertTrue(refused.message().contains("LZ4"), refused.message());
    assertArrayEquals(s.snapshot(), Files.readAllBytes(host(path)));
    assertEquals(before, files(), "nothing staged is left behind");
  }

  /** A valid file cannot replace a published one while it is immutable (immutable-for, 24h). */
  @Test
  void aPublishedFileCannotBeReplacedWhileImmutable() throws Exception {
    String path = GEN + "/snapshots/00000002.snapshot.lz4";
    assertEquals(SftpConstants.SSH_FX_OK, put(path, s.snapshot()).code());
    byte[] other = LayoutSamples.make(dir.resolve("other-samples"), 3).snapshot();
    Status denied = put(path, other);
    assertEquals(SftpConstants.SSH_FX_PERMISSION_DENIED, denied.code(), denied.toString());
    assertTrue(denied.message().contains("immutable"), denied.message());
    assertArrayEquals(s.snapshot(), Files.readAllBytes(host(path)));
  }

  @Test
  void aMissingDirectoryIsNoSuchFileAndCreatesNothing() throws Exception {
    List<String> before = files();
    Status missing = put("/db/nowhere/notes.txt", new byte[] {1, 2, 3});
    assertEquals(SftpConstants.SSH_FX_NO_SUCH_FILE, missing.code(), missing.toString());
    assertFalse(Files.exists(host("/db/nowhere")));
    assertEquals(before, files());
  }

  @Test
  void outsideTheWritableDirectoriesIsPermissionDenied() throws Exception {
    Status denied = put("/notes.txt", new byte[] {1, 2, 3});
    assertEquals(SftpConstants.SSH_FX_PERMISSION_DENIED, denied.code(), denied.toString());
    assertFalse(Files.exists(host("/notes.txt")));
    Status escape = put("/db/../../outside.txt", new byte[] {1});
    assertTrue(
        escape.code() == SftpConstants.SSH_FX_PERMISSION_DENIED
            || escape.code() == SftpConstants.SSH_FX_NO_SUCH_FILE,
        escape.toString());
    assertFalse(Files.exists(f.root.getParent().resolve("outside.txt")));
  }

  @Test
  void aContentLengthBeyondTheRequestIsABadMessage() throws Exception {
    List<String> before = files();
    try (MinaSftp m = MinaSftp.connect(f)) {
      Status lying = m.putFile("/db/lying.txt", MTIME, new byte[] {1, 2, 3}, 4096);
      assertEquals(SftpConstants.SSH_FX_BAD_MESSAGE, lying.code(), lying.toString());
      Status negative = m.putFile("/db/lying.txt", MTIME, new byte[] {1, 2, 3}, -1);
      assertEquals(SftpConstants.SSH_FX_BAD_MESSAGE, negative.code(), negative.toString());
      assertEquals(
          SftpConstants.SSH_FX_OK, m.putFile("/db/fine.txt", MTIME, new byte[0], 0).code());
    }
    assertFalse(Files.exists(host("/db/lying.txt")));
    assertEquals(0, Files.size(host("/db/fine.txt")));
  }

  @Test
  void moreThanTheWriteLimitIsRefused() throws Exception {
    Status big = put("/db/big.bin", new byte[261120 + 1]);
    assertEquals(SftpConstants.SSH_FX_FAILURE, big.code(), big.toString());
    assertFalse(Files.exists(host("/db/big.bin")));
  }
}
