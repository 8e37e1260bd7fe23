package dev.walship.agent.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.apache.sshd.common.RuntimeSshException;
import org.apache.sshd.common.SshException;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteFilesTest {

  @Test
  void mkdirsCreatesMissingParentsAndAcceptsExistingOnes(@TempDir Path dir) throws IOException {
    try (SftpFixture fx = SftpFixture.start(dir);
        SshConnector connector = connector(fx, dir);
        Connection c = connector.connect()) {
      Path deep = dir.resolve("a/b/c/d");
      RemoteFiles.mkdirs(c.sftp(), deep.toString());
      assertTrue(Files.isDirectory(deep));
      RemoteFiles.mkdirs(c.sftp(), deep.toString()); // exists: fine
      Files.writeString(dir.resolve("a/file"), "x");
      SftpException e =
          assertThrows(
              SftpException.class,
              () -> RemoteFiles.mkdirs(c.sftp(), dir.resolve("a/file/sub").toString()));
      assertFalse(Files.exists(dir.resolve("a/file/sub")), e.toString());
      assertNull(RemoteFiles.lstatOrNull(c.sftp(), dir.resolve("missing").toString()));
      assertNull(RemoteFiles.listOrNull(c.sftp(), dir.resolve("missing").toString()));
      assertEquals(
          1, RemoteFiles.listOrNull(c.sftp(), dir.resolve("a/b").toString()).size(), "no . and ..");
    }
  }

  private static SshConnector connector(SftpFixture fx, Path home) throws IOException {
    SftpTarget t = fx.target(home.toString());
    return new SshConnector(t, fx.options(), HostKeyPolicy.of(t, home), ClientIdentity.of(t));
  }

  @Test
  void parentsOfServerPaths() {
    assertEquals("/db/generations", RemoteFiles.parent("/db/generations/x"));
    assertEquals("/", RemoteFiles.parent("/db"));
    assertNull(RemoteFiles.parent("/"));
    assertNull(RemoteFiles.parent("db"));
    assertEquals("db", RemoteFiles.parent("db/generations"));
  }

  @Test
  void onlyTransportFailuresCountAsConnectionFailures() {
    assertTrue(RemoteFiles.isConnectionFailure(new EOFException()));
    assertTrue(RemoteFiles.isConnectionFailure(new SshException("Channel is being closed")));
    assertTrue(RemoteFiles.isConnectionFailure(new RuntimeSshException("closed")));
    assertFalse(
        RemoteFiles.isConnectionFailure(new SftpException(SftpConstants.SSH_FX_FAILURE, "no")));
    assertFalse(RemoteFiles.isConnectionFailure(new SftpStoreException("x", false, null)));
    assertFalse(RemoteFiles.isConnectionFailure(new InterruptedIOException()));
    assertFalse(RemoteFiles.isConnectionFailure(new IllegalStateException()));
  }

  @Test
  void statusRepliesBecomeOperatorMessages() {
    String where = "sftp://u@h:22/db/generations/x";
    IOException missing =
        RemoteFiles.failure(
            where, "open", new SftpException(SftpConstants.SSH_FX_NO_SUCH_FILE, "No such file"));
    assertInstanceOf(NoSuchFileException.class, missing);
    assertEquals(where + ": open: no such file or directory", missing.getMessage());
    IOException denied =
        RemoteFiles.failure(
            where,
            "write",
            new SftpException(SftpConstants.SSH_FX_PERMISSION_DENIED, "Permission denied"));
    assertInstanceOf(AccessDeniedException.class, denied);
    assertEquals(
        where + ": write: permission denied by the server (may this user write there?)",
        denied.getMessage());
    IOException immutable =
        RemoteFiles.failure(
            where,
            "delete",
            new SftpException(
                SftpConstants.SSH_FX_PERMISSION_DENIED,
                "Permission denied: /db/generations/x: immutable: published 5 s ago; immutable-for 86400 s"));
    assertEquals(
        where
            + ": delete: permission denied by the server (/db/generations/x: immutable: published 5 s ago;"
            + " immutable-for 86400 s)",
        immutable.getMessage());
    IOException other =
        RemoteFiles.failure(
            where, "delete", new SftpException(SftpConstants.SSH_FX_FAILURE, "Failure"));
    assertEquals(where + ": delete: the server refused: Failure", other.getMessage());
    IOException full =
        RemoteFiles.failure(
            where,
            "write",
            new SftpException(
                SftpConstants.SSH_FX_FAILURE, "General failure: no space left on device"));
    assertEquals(
        where + ": write: the server refused: General failure: no space left on device",
        full.getMessage());
  }
}
