package dev.walship.server.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.server.LogCapture;
import dev.walship.server.MinaSftp;
import dev.walship.server.OffsetClock;
import dev.walship.server.ReplicaServer;
import dev.walship.server.ServerFixture;
import dev.walship.server.content.ContentValidator;
import dev.walship.testing.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code immutable-for} (here 1 h) against a client with a stolen key: published snapshots and
 * segments, what restoring them needs and the directories holding them cannot be removed, renamed,
 * replaced or changed until old enough; moving mtimes into the past unlocks nothing; the lock
 * survives a restart; older files are pruned as before. Every refusal is audited.
 */
class ImmutableBackupsTest {
  static final String G = "/db/app/generations/00112233aabbccdd";
  static final ContentValidator ANY_CONTENT = (name, content, target) -> {};
  @TempDir static Path dir;
  static OffsetClock clock = new OffsetClock();
  static ServerFixture f;
  static LogCapture log;

  @BeforeAll
  static void start() {
    log = LogCapture.start();
    f = ServerFixture.start(dir, ANY_CONTENT, u -> u.withImmutableFor(Duration.ofHours(1)), clock);
  }

  @AfterAll
  static void stop() {
    f.close();
    log.close();
  }

  private static void put(MinaSftp m, String path, String content) throws IOException {
    try (CloseableHandle h =
        m.sftp.open(path, OpenMode.Write, OpenMode.Create, OpenMode.Truncate)) {
      m.sftp.write(h, 0, content.getBytes());
    }
  }

  /** As our agent uploads: a temporary name, an mtime, then posix-rename over the final name. */
  private static void publish(MinaSftp m, String path, String content, Instant mtime)
      throws IOException {
    put(m, path + ".tmp", content);
    m.sftp.setStat(
        path + ".tmp",
        new Attributes().modifyTime(FileTime.from(mtime)).accessTime(FileTime.from(mtime)));
    m.sftp.getExtension(OpenSSHPosixRenameExtension.class).posixRename(path + ".tmp", path);
  }

  private static void refused(String what, Attempt attempt) {
    refused(what, "immutable", attempt);
  }

  private static void refused(String what, String because, Attempt attempt) {
    SftpException e = assertThrows(SftpException.class, attempt::run, what);
    assertEquals(
        SftpConstants.SSH_FX_PERMISSION_DENIED, e.getStatus(), what + ": " + e.getMessage());
    assertTrue(e.getMessage().contains(because), what + ": " + e.getMessage());
  }

  private static Path host(String view) {
    return f.root.resolve(view.substring(1));
  }

  @Test
  void recentBackupsResistAStolenKeyAndOldOnesArePrunedAsBefore() throws Exception {
    Instant longAgo = Instant.parse("2001-01-01T00:00:00Z");
    try (MinaSftp m = MinaSftp.connect(f)) {
      for (String d : List.of("/db/app", "/db/app/generations", G, G + "/snapshots", G + "/wal")) {
        m.sftp.mkdir(d);
      }
      publish(m, G + "/snapshots/00000000.snapshot.lz4", "S0", longAgo);
      publish(m, G + "/wal/00000000_00000000.wal.lz4", "a", longAgo);
      publish(m, G + "/wal/00000000_00000020.wal.lz4", "b", Instant.now());

      refused(
          "remove a young snapshot", () -> m.sftp.remove(G + "/snapshots/00000000.snapshot.lz4"));
      refused(
          "rename a young segment away",
          () -> m.sftp.rename(G + "/wal/00000000_00000020.wal.lz4", "/db/stolen"));
      refused(
          "replace a young segment with other bytes",
          () -> publish(m, G + "/wal/00000000_00000020.wal.lz4", "evil", Instant.now()));
      publish(
          m,
          G + "/wal/00000000_00000020.wal.lz4",
          "b",
          Instant.now()); // the same bytes again: a retry, allowed
      refused(
          "replace a young segment by a staged upload",
          () -> put(m, G + "/wal/00000000_00000000.wal.lz4", "evil"));
      refused("rename the generation", () -> m.sftp.rename(G, "/db/away"));
      refused("rename the database's directory", () -> m.sftp.rename("/db/app", "/db/gone"));
      refused(
          "move an mtime into the past",
          () ->
              m.sftp.setStat(
                  G + "/wal/00000000_00000020.wal.lz4",
                  new Attributes()
                      .modifyTime(FileTime.from(longAgo))
                      .accessTime(FileTime.from(longAgo))));
      refused(
          "truncate through SETSTAT",
          "changes only through a handle",
          () -> m.sftp.setStat(G + "/wal/00000000_00000020.wal.lz4", new Attributes().size(0)));
      assertEquals("a", Files.readString(host(G + "/wal/00000000_00000000.wal.lz4")));
      assertEquals(
          longAgo,
          Files.getLastModifiedTime(host(G + "/wal/00000000_00000000.wal.lz4")).toInstant(),
          "published with an mtime long ago, and still locked");
    }
    Proc.Result rm =
        f.client.sftp(f.dir, "rm " + G.substring(1) + "/wal/00000000_00000000.wal.lz4");
    assertNotEquals(0, rm.exit(), rm.toString());
    log.await(
        "denied user=replicator address=127\\.0\\.0\\.1:\\d+ op=remove path="
            + G
            + "/snapshots/00000000\\.snapshot\\.lz4: immutable: published \\d+ s ago; immutable-for 3600 s");
    log.await(
        "denied user=replicator address=127\\.0\\.0\\.1:\\d+ op=rename path=/db/app: immutable: holds "
            + G
            + "/");

    // The lock is on disk, not in the server's memory.
    try (ReplicaServer again = ReplicaServer.start(f.config, ANY_CONTENT, clock);
        MinaSftp m =
            MinaSftp.connect(
                again.port(), ServerFixture.USER, f.key.privateKey(), again.hostKeyFingerprint())) {
      refused(
          "remove after a restart", () -> m.sftp.remove(G + "/snapshots/00000000.snapshot.lz4"));
    }
  }

  @Test
  void whatRestoringYoungSegmentsNeedsStaysAndTheRestIsPruned() throws Exception {
    OffsetClock time = new OffsetClock();
    try (ServerFixture g =
            ServerFixture.start(
                dir.resolve("chain"),
                ANY_CONTENT,
                u -> u.withImmutableFor(Duration.ofHours(1)),
                time);
        MinaSftp m = MinaSftp.connect(g)) {
      for (String d : List.of("/db/app", "/db/app/generations", G, G + "/snapshots", G + "/wal")) {
        m.sftp.mkdir(d);
      }
      publish(m, G + "/snapshots/00000000.snapshot.lz4", "S0", Instant.now());
      publish(m, G + "/wal/00000000_00000000.wal.lz4", "a", Instant.now());
      publish(m, G + "/wal/00000000_00000020.wal.lz4", "b", Instant.now());
      publish(m, G + "/wal/00000001_00000000.wal.lz4", "c", Instant.now());
      // A snapshot uploaded after c (an attacker's, say) is no base for it: S0 and a, b stay
      // needed.
      publish(m, G + "/snapshots/00000001.snapshot.lz4", "S1", Instant.now());
      Instant b =
          Immutability.changed(g.root.resolve(G.substring(1) + "/wal/00000000_00000020.wal.lz4"));
      Instant c =
          Immutability.changed(g.root.resolve(G.substring(1) + "/wal/00000001_00000000.wal.lz4"));
      assertTrue(b.isBefore(c), b + " " + c);
      time.freeze(
          b.plus(Duration.ofHours(1))
              .plus(Duration.between(b, c).dividedBy(2))); // b is 1 h old, c is not
      refused(
          "remove the young segment's base snapshot",
          () -> m.sftp.remove(G + "/snapshots/00000000.snapshot.lz4"));
      refused(
          "remove a segment between the base and the young one",
          () -> m.sftp.remove(G + "/wal/00000000_00000000.wal.lz4"));
      log.await(
          "op=remove path="
              + G
              + "/wal/00000000_00000000\\.wal\\.lz4: immutable: needed to restore files published in the last 3600 s");

      time.freeze(c.plus(Duration.ofHours(2)));
      for (String file :
          List.of(
              "/snapshots/00000000.snapshot.lz4",
              "/wal/00000000_00000000.wal.lz4",
              "/wal/00000000_00000020.wal.lz4",
              "/wal/00000001_00000000.wal.lz4",
              "/snapshots/00000001.snapshot.lz4")) {
        m.sftp.remove(G + file);
      }
      m.sftp.rmdir(G + "/wal");
      m.sftp.rmdir(G + "/snapshots");
      m.sftp.rmdir(G);
      assertFalse(Files.exists(g.root.resolve(G.substring(1))));
    }
  }

  /** One SFTP request that the server should refuse. */
  private interface Attempt {
    void run() throws Exception;
  }
}
