package dev.walship.server.cli;

import dev.walship.testing.SshKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A sound configuration file for user {@code replicator} in a temporary directory. */
record ConfigFiles(Path dir, Path config, SshKeys.KeyPair key, Path root) {
  static ConfigFiles make(Path dir, String listen, String extra) {
    try {
      Path root = Files.createDirectories(dir.resolve("data/replicator"));
      SshKeys.KeyPair key =
          SshKeys.generate(Files.createDirectories(dir.resolve("client")), "id", "ed25519");
      Path keys =
          Files.writeString(dir.resolve("authorized_keys_replicator"), key.publicLine() + "\n");
      Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
      Files.createDirectories(dir.resolve("state"));
      Path config =
          Files.writeString(
              dir.resolve("replica-server.yml"),
              """
          listen: %s
          host-key: state/ssh_host_ed25519_key
          defaults:
            root: data/%%u
            authorized-keys: authorized_keys_%%u
            writable: [db]
          users:
            - name: replicator
          """
                      .formatted(listen)
                  + extra);
      return new ConfigFiles(dir, config, key, root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path hostKey() {
    return dir.resolve("state/ssh_host_ed25519_key");
  }
}
