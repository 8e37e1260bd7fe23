package dev.walship.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.server.MinaSftp;
import dev.walship.testing.SshKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP (systemd's {@code ExecReload}) re-reads the configuration in the running process: new
 * logins get the new users, roots, writable directories and limits; sessions already logged in keep
 * theirs; a broken file is refused in one line and changes nothing.
 */
class ReloadTest {
  @TempDir Path dir;

  @Test
  void sighupReloadsWithoutDroppingSessionsAndRefusesABrokenFile() throws Exception {
    ConfigFiles c = ConfigFiles.make(dir, "127.0.0.1:0", "");
    String original = Files.readString(c.config());
    SshKeys.KeyPair backupKey = SshKeys.generate(dir.resolve("client"), "backup", "ed25519");
    Files.createDirectories(dir.resolve("data/backup"));
    Path backupKeys =
        Files.writeString(dir.resolve("authorized_keys_backup"), backupKey.publicLine() + "\n");
    Files.setPosixFilePermissions(backupKeys, PosixFilePermissions.fromString("rw-------"));
    try (ServerProcess server = ServerProcess.serve(c.config(), dir.resolve("server.log"))) {
      int port = server.port();
      String fp = server.await("host key \\S+ (SHA256:\\S+)");
      MinaSftp before = MinaSftp.connect(port, "replicator", c.key().privateKey(), fp);
      try {
        Files.writeString(
            c.config(),
            original.replace("writable: [db]", "writable: [db, more]")
                + "  - name: backup\nlimits: {connections-per-user: 300, channels-per-connection: 2}\n");
        server.hangup();
        server.await("reloaded " + c.config() + ": users replicator, backup");

        // The session logged in before the reload goes on, with the settings it logged in with,
        // even on a channel it opens now.
        write(before.sftp, "/db/before.txt");
        try (SftpClient second = SftpClientFactory.instance().createSftpClient(before.session)) {
          write(second, "/db/before-2.txt");
          assertThrows(
              IOException.class,
              () -> write(second, "/more/before.txt"),
              "'more' was not writable at its login");
          assertThrows(
              IOException.class,
              () -> SftpClientFactory.instance().createSftpClient(before.session),
              "the new limits apply to what comes next: a third channel is refused");
        }
        // New logins get the new configuration.
        try (MinaSftp after = MinaSftp.connect(port, "replicator", c.key().privateKey(), fp)) {
          write(after.sftp, "/more/after.txt");
        }
        try (MinaSftp backup = MinaSftp.connect(port, "backup", backupKey.privateKey(), fp)) {
          write(backup.sftp, "/db/backup.txt");
        }
        assertTrue(Files.exists(dir.resolve("data/backup/db/backup.txt")));

        // A broken file: one line, nothing changes.
        String good = Files.readString(c.config());
        Files.writeString(c.config(), good.replace("- name: backup", "- name: Backup"));
        server.hangup();
        server.await(
            "reload refused: "
                + c.config()
                + ":\\d+: users\\[1\\]\\.name: user name 'Backup' is not a POSIX");
        assertEquals(1, server.count("reload refused"), server.log());
        try (MinaSftp backup = MinaSftp.connect(port, "backup", backupKey.privateKey(), fp)) {
          write(backup.sftp, "/db/still.txt");
        }

        // A user removed from the file can no longer log in; the open session stays.
        Files.writeString(
            c.config(), original.replace("listen: 127.0.0.1:0", "listen: 127.0.0.1:1"));
        server.hangup();
        server.await(
            "listen 127\\.0\\.0\\.1:1 differs from 127\\.0\\.0\\.1:0 \\(listening on 127\\.0\\.0\\.1:"
                + port
                + "\\): a restart applies it");
        server.await("reloaded " + c.config() + ": users replicator\n");
        assertThrows(
            IllegalStateException.class,
            () -> MinaSftp.connect(port, "backup", backupKey.privateKey(), fp).close());
        write(before.sftp, "/db/still-open.txt");
        assertTrue(server.isAlive());
      } finally {
        before.close();
      }
      server.terminate();
      assertEquals(0, server.exit(Duration.ofSeconds(20)), server.log());
    }
  }

  private static void write(SftpClient sftp, String path) throws IOException {
    try (SftpClient.CloseableHandle h =
        sftp.open(path, SftpClient.OpenMode.Write, SftpClient.OpenMode.Create)) {
      sftp.write(h, 0, new byte[] {1, 2, 3});
    }
  }
}
