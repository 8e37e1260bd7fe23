package dev.walship.server.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.server.MinaSftp;
import dev.walship.server.ServerFixture;
import dev.walship.testing.Proc;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.extensions.CopyFileExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The escape suite: every way out of the root (issue point 3) and every forbidden write (point 4),
 * tried with OpenSSH's {@code sftp} (and MINA's client for requests the CLI does not send), each
 * asserted refused, with the host left unchanged.
 */
class JailFileSystemProviderTest {
  @TempDir static Path dir;
  static ServerFixture f;
  static Path outside;

  @BeforeAll
  static void start() throws Exception {
    f = ServerFixture.start(dir);
    outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "secret\n");
    Files.createDirectories(f.root.resolve("ro"));
    Files.writeString(f.root.resolve("ro/file"), "read me\n");
    Files.setPosixFilePermissions(
        f.root.resolve("ro/file"), PosixFilePermissions.fromString("rw-r--r--"));
    Files.createDirectories(f.root.resolve("db"));
    Files.writeString(f.root.resolve("db/mine.txt"), "mine\n");
    Files.createSymbolicLink(f.root.resolve("db/out"), outside);
    Files.createSymbolicLink(f.root.resolve("up"), Path.of("../.."));
    Files.createSymbolicLink(f.root.resolve("db/ro"), Path.of("../ro"));
    f.localFile("junk.txt", "junk\n");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private static Proc.Result sftp(String... commands) {
    return f.client.sftp(f.dir, commands);
  }

  /** Runs one command that must fail, and returns its stderr. */
  private static String refused(String command) {
    Proc.Result r = sftp(command);
    assertNotEquals(0, r.exit(), "must fail: " + r);
    return r.stderr();
  }

  private static void denied(String command) {
    String err = refused(command);
    assertTrue(err.contains("Permission denied"), command + ": " + err);
  }

  private static void outsideUnchanged() throws Exception {
    assertEquals("secret\n", Files.readString(outside.resolve("secret.txt")));
    try (var s = Files.list(outside)) {
      assertEquals(1, s.count(), "nothing new outside the root");
    }
  }

  @Test
  void dotDotAndAbsolutePathsStayInTheRoot() throws Exception {
    Proc.Result r = sftp("cd /", "cd ..", "pwd", "cd ../../..", "pwd");
    assertEquals(2, r.stdout().split("Remote working directory: /\n", -1).length - 1, r.toString());
    assertTrue(refused("get ../../outside/secret.txt got1").contains("not found"));
    assertTrue(refused("get /etc/passwd got2").contains("not found"));
    assertTrue(Files.notExists(f.dir.resolve("got1")));
    assertTrue(Files.notExists(f.dir.resolve("got2")));
  }

  @Test
  void aSymlinkAlreadyInTheRootThatPointsOutLeadsNowhere() throws Exception {
    Proc.Result ls = sftp("-ls -l db/out/", "-ls up/outside");
    assertFalse(ls.stdout().contains("secret"), ls.toString());
    try (MinaSftp m = MinaSftp.connect(f)) {
      SftpException e = assertThrows(SftpException.class, () -> m.sftp.openDir("/db/out"));
      assertEquals(SftpConstants.SSH_FX_PERMISSION_DENIED, e.getStatus());
      SftpException stat =
          assertThrows(SftpException.class, () -> m.sftp.stat("/db/out/secret.txt"));
      assertEquals(SftpConstants.SSH_FX_PERMISSION_DENIED, stat.getStatus());
      assertThrows(SftpException.class, () -> m.sftp.lstat("/db/out/secret.txt"));
      assertThrows(SftpException.class, () -> m.sftp.read("/up/outside/secret.txt").read());
    }
    refused("get db/out/secret.txt got3");
    refused("get up/outside/secret.txt got4");
    denied("put junk.txt db/out/planted.txt");
    denied("mkdir db/out/planted");
    assertTrue(Files.notExists(f.dir.resolve("got3")));
    outsideUnchanged();
  }

  @Test
  void linksCannotBeCreated() throws Exception {
    denied("ln -s /etc db/etc");
    denied("ln -s ../../outside db/o2");
    denied("symlink mine.txt db/inside-link");
    String hard = refused("ln db/mine.txt db/hard");
    assertTrue(
        hard.contains("hardlink@openssh.com"), "the hardlink extension is not offered: " + hard);
    try (MinaSftp m = MinaSftp.connect(f)) {
      assertEquals(
          SftpConstants.SSH_FX_OP_UNSUPPORTED,
          m.extended("hardlink@openssh.com", "/db/mine.txt", "/db/hard2"));
      SftpException s =
          assertThrows(SftpException.class, () -> m.sftp.symLink("/db/s", "/db/mine.txt"));
      assertEquals(SftpConstants.SSH_FX_PERMISSION_DENIED, s.getStatus());
    }
    for (String name : new String[] {"etc", "o2", "inside-link", "hard", "hard2", "s"}) {
      assertFalse(
          Files.exists(f.root.resolve("db").resolve(name), LinkOption.NOFOLLOW_LINKS), name);
    }
  }

  @Test
  void renamesAndCopiesDoNotLeaveTheRoot() throws Exception {
    assertNotEquals(0, sftp("rename db/mine.txt ../../outside/stolen").exit());
    denied("rename db/mine.txt db/out/stolen");
    denied("rename db/mine.txt /ro/stolen");
    String cp = refused("cp db/mine.txt db/copy.txt");
    assertTrue(cp.contains("copy-data"), "copy-data is not offered: " + cp);
    try (MinaSftp m = MinaSftp.connect(f)) {
      CopyFileExtension copy = m.sftp.getExtension(CopyFileExtension.class);
      SftpException e =
          assertThrows(
              SftpException.class, () -> copy.copyFile("/db/mine.txt", "/db/copy2.txt", false));
      assertEquals(SftpConstants.SSH_FX_OP_UNSUPPORTED, e.getStatus());
    }
    assertEquals("mine\n", Files.readString(f.root.resolve("db/mine.txt")));
    outsideUnchanged();
  }

  @Test
  void listingsShowTheUserNotTheHostsNames() {
    Proc.Result r = sftp("ls -l /", "ls -l db");
    assertEquals(0, r.exit(), r.toString());
    for (String line : r.stdout().split("\n")) {
      if (line.matches("^[-dl][rwx-]{9}.*")) {
        assertTrue(line.matches("^\\S+\\s+\\d+ replicator replicator .*"), line);
      }
    }
    assertFalse(r.stdout().contains(" root "), r.toString());
  }

  @Test
  void readsAreAllowedInTheWholeRootThroughInsideLinksToo() throws Exception {
    Proc.Result r = sftp("get ro/file got5", "ls db/ro");
    assertEquals(0, r.exit(), r.toString());
    assertEquals("read me\n", Files.readString(f.dir.resolve("got5")));
  }

  @Test
  void everyForbiddenWriteIsDenied() throws Exception {
    denied("put junk.txt /x");
    denied("put junk.txt ro/file");
    denied("put junk.txt ro/new");
    denied("put junk.txt db/ro/new");
    denied("mkdir /newdir");
    denied("mkdir ro/newdir");
    denied("rmdir db");
    denied("rmdir ro");
    denied("rm ro/file");
    denied("rename ro/file db/file");
    denied("rename db/mine.txt ro/mine.txt");
    denied("rename db /db2");
    denied("chmod 600 ro/file");
    denied("chmod 700 db");
    try (MinaSftp m = MinaSftp.connect(f)) {
      SftpException e =
          assertThrows(
              SftpException.class,
              () -> m.sftp.open("/ro/file", SftpClient.OpenMode.Append, SftpClient.OpenMode.Write));
      assertEquals(SftpConstants.SSH_FX_PERMISSION_DENIED, e.getStatus());
      SftpClient.Attributes owner = new SftpClient.Attributes().owner(0, 0);
      SftpException chown =
          assertThrows(SftpException.class, () -> m.sftp.setStat("/db/mine.txt", owner));
      assertEquals(SftpConstants.SSH_FX_PERMISSION_DENIED, chown.getStatus());
    }
    assertEquals("read me\n", Files.readString(f.root.resolve("ro/file")));
    assertEquals(
        "rw-r--r--",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(f.root.resolve("ro/file"))));
    try (var s = Files.list(f.root)) {
      assertEquals(
          Set.of("db", "ro", "up"),
          s.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
    }
    assertTrue(Files.isDirectory(f.root.resolve("db")));
  }

  /** Creation under a umask of 000 is in ServeCommandTest (this JVM's umask would hide a bug). */
  @Test
  void newFilesAndDirectoriesAreNeverGroupOrWorldWritable() throws Exception {
    Path open = f.localFile("open.txt", "open\n");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-rw-rw-"));
    Proc.Result r = sftp("put -p open.txt db/open.txt", "mkdir db/newdir", "chmod 777 db/mine.txt");
    assertEquals(0, r.exit(), r.toString());
    assertEquals(
        "rw-r--r--",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(f.root.resolve("db/open.txt"))));
    assertEquals(
        "rwxr-xr-x",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(f.root.resolve("db/newdir"))));
    assertEquals(
        "rwxr-xr-x",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(f.root.resolve("db/mine.txt"))));
    Files.setPosixFilePermissions(
        f.root.resolve("db/mine.txt"), PosixFilePermissions.fromString("rw-r--r--"));
  }
}
