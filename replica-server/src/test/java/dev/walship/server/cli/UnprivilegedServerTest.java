package dev.walship.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.OpenSshClient;
import dev.walship.testing.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, finding 3: the server runs as an unprivileged user (as installed), and a client makes a
 * directory it created unreadable. The modes a client sets never lock the server out of its tree,
 * and a tree the server cannot read (left by an older version) costs one warning at start-up, not
 * the start-up.
 */
class UnprivilegedServerTest {
  @TempDir Path dir;

  @Test
  void aClientsChmod000NeverKeepsTheServerFromStarting() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    ConfigFiles c = ConfigFiles.make(dir, "127.0.0.1:0", "");
    Files.setPosixFilePermissions(
        dir.resolve("data"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(
        dir.resolve("authorized_keys_replicator"), PosixFilePermissions.fromString("rw-r--r--"));
    ServiceUser.own(c.root());
    ServiceUser.own(dir.resolve("state"));
    String classPath = ServiceUser.classPath(dir);
    Path db = c.root().resolve("db");

    try (ServerProcess server =
        ServerProcess.serve(
            c.config(), dir.resolve("first.log"), ServiceUser.wrapper(), classPath)) {
      int port = server.port();
      OpenSshClient client =
          new OpenSshClient(
              "replicator",
              port,
              c.key().privateKey(),
              OpenSshClient.knownHosts(dir, port, Files.readString(Path.of(c.hostKey() + ".pub"))));
      Files.writeString(dir.resolve("junk.txt"), "junk\n");
      Proc.Result r =
          client.sftp(
              dir,
              "mkdir db/locked",
              "put junk.txt db/locked/file",
              "chmod 000 db/locked/file",
              "chmod 000 db/locked",
              "mkdir db/x");
      assertEquals(0, r.exit(), r + server.log());
      assertEquals(
          "rwx------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(db.resolve("locked"))),
          "the owner keeps rwx on a directory whatever the client asks");
      assertEquals(
          "r--------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(db.resolve("locked/file"))),
          "the owner keeps r on a file whatever the client asks");
      server.terminate();
      assertEquals(0, server.exit(Duration.ofSeconds(20)), server.log());
    }

    // A tree an older version let a client lock, with a crash's leftover upload beside it.
    Path legacy = Files.createDirectories(db.resolve("legacy/deeper"));
    Path stale =
        Files.writeString(
            db.resolve("x/.replica-server-upload-0123456789abcdef"), "half an upload");
    ServiceUser.own(db);
    Files.setPosixFilePermissions(legacy.getParent(), PosixFilePermissions.fromString("---------"));

    try (ServerProcess server =
        ServerProcess.serve(
            c.config(), dir.resolve("second.log"), ServiceUser.wrapper(), classPath)) {
      int port = server.port();
      List<String> warnings = server.logLines().stream().filter(l -> l.contains(" WARN ")).toList();
      assertEquals(1, warnings.size(), server.log());
      assertTrue(warnings.get(0).contains(db.resolve("legacy").toString()), server.log());
      assertFalse(
          Files.exists(stale), "the sweep still removed what it could reach:\n" + server.log());
      OpenSshClient client =
          new OpenSshClient(
              "replicator",
              port,
              c.key().privateKey(),
              OpenSshClient.knownHosts(dir, port, Files.readString(Path.of(c.hostKey() + ".pub"))));
      Proc.Result r = client.sftp(dir, "ls -l db", "ls -l db/locked");
      assertEquals(0, r.exit(), r + server.log());
      server.terminate();
      assertEquals(0, server.exit(Duration.ofSeconds(20)), server.log());
    }
  }
}
