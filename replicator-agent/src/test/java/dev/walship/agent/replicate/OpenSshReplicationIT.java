package dev.walship.agent.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.agent.sftp.SftpReplicaStore;
import dev.walship.agent.sftp.SftpTarget;
import dev.walship.agent.ship.ShipSettings;
import dev.walship.format.store.FileReplicaStore;
import dev.walship.format.validate.ReplicaCheck;
import dev.walship.testing.Litestream;
import dev.walship.testing.OpenSshServer;
import dev.walship.testing.Sqlite;
import dev.walship.testing.SshKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent replicates to the real OpenSSH sshd configured with the seed's recipe ({@code Match
 * User … ChrootDirectory … ForceCommand internal-sftp}), and Litestream v0.3.13 restores from
 * there.
 */
class OpenSshReplicationIT {
  @TempDir Path tmp;

  @Test
  void replicatesToOpenSshAndLitestreamRestoresFromIt() throws Exception {
    Path db = tmp.resolve("app.db");
    SshKeys.KeyPair key = SshKeys.generate(tmp, "agent", "ed25519");
    try (OpenSshServer sshd =
            OpenSshServer.builder(Files.createDirectories(tmp.resolve("sshd")))
                .authorizedKey(key.publicLine())
                .chrootSftp()
                .start();
        Connection c = Sqlite.openWal(db, 1000)) {
      SftpReplicaStore store =
          SftpReplicaStore.open(
              new SftpTarget(
                  OpenSshServer.HOST,
                  sshd.port(),
                  OpenSshServer.USER,
                  null,
                  "/db/app",
                  key.privateKey(),
                  null,
                  sshd.hostKeyFingerprint(),
                  null));
      Replicator r =
          Replicator.builder()
              .database(db)
              .replica("openssh", store, ShipSettings.DEFAULTS)
              .random(new SplittableRandom(13))
              .start();
      try {
        new Workload(c, 41).run(600, 300, done -> {});
        assertTrue(r.stop(Duration.ofSeconds(30)));
      } finally {
        r.close();
        store.close();
      }
      ReplicaCheck.Report check =
          ReplicaCheck.check(new FileReplicaStore(sshd.chroot().resolve("db/app")));
      assertTrue(check.ok(), check.problems().toString());
      assertEquals(0, check.temporaryFiles());
      Path cfg =
          Files.writeString(
              tmp.resolve("litestream.yml"),
              """
          dbs:
            - path: %s
              replicas:
                - type: sftp
                  host: %s:%d
                  user: %s
                  key-path: %s
                  path: /db/app
          """
                  .formatted(
                      db, OpenSshServer.HOST, sshd.port(), OpenSshServer.USER, key.privateKey()));
      Path out = tmp.resolve("restored.db");
      Litestream.run("restore", "-config", cfg.toString(), "-o", out.toString(), db.toString())
          .orThrow();
      assertEquals("ok\n", Sqlite.cli(out, "PRAGMA integrity_check"));
      assertEquals(Sqlite.dump(db), Sqlite.dump(out));
    }
  }
}
