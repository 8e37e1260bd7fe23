package dev.walship.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.Proc;
import dev.walship.testing.SshKeys;
import dev.walship.testing.TestTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostKeyTest {
  @TempDir Path dir;

  @Test
  void createdOnceWithMode0600AndReusedAfter() throws Exception {
    Path file = dir.resolve("ssh_host_ed25519_key");
    HostKey first = HostKey.loadOrCreate(file);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    byte[] bytes = Files.readAllBytes(file);
    HostKey again = HostKey.loadOrCreate(file);
    assertEquals(first.fingerprint(), again.fingerprint());
    assertTrue(Arrays.equals(bytes, Files.readAllBytes(file)), "the file is not rewritten");
    try (var s = Files.list(dir)) {
      assertEquals(2, s.count(), "only the key and its .pub: no temporary file left");
    }
  }

  @Test
  void fingerprintLineIsWhatSshKeygenPrints() throws Exception {
    Path file = dir.resolve("key");
    HostKey key = HostKey.loadOrCreate(file);
    String keygen =
        Proc.run(
                Duration.ofSeconds(30),
                TestTools.onPath("ssh-keygen").toString(),
                "-lf",
                file.toString())
            .orThrow()
            .stdout()
            .trim();
    assertEquals(keygen, key.fingerprintLine());
    assertEquals(SshKeys.fingerprint(Path.of(file + ".pub")), key.fingerprint());
    assertEquals(Files.readString(Path.of(file + ".pub")).trim(), key.publicLine());
  }

  @Test
  void aDamagedKeyIsAnErrorNeverARegeneration() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("key"),
            "-----BEGIN OPENSSH PRIVATE KEY-----\nbroken\n-----END OPENSSH PRIVATE KEY-----\n");
    IOException e = assertThrows(IOException.class, () -> HostKey.loadOrCreate(file));
    assertTrue(e.getMessage().startsWith("host key " + file + " cannot be loaded"), e.getMessage());
    assertTrue(e.getMessage().contains("never regenerated"), e.getMessage());
    assertTrue(Files.readString(file).contains("broken"), "left as it was");
  }

  @Test
  void openSshsOwnEd25519HostKeyLoadsWithItsFingerprint() throws Exception {
    SshKeys.KeyPair openssh = SshKeys.generate(dir, "ssh_host_ed25519_key", "ed25519");
    assertEquals(openssh.fingerprint(), HostKey.load(openssh.privateKey()).fingerprint());
  }

  @Test
  void onlyEd25519() {
    SshKeys.KeyPair rsa = SshKeys.generate(dir, "rsa_key", "rsa");
    IOException e = assertThrows(IOException.class, () -> HostKey.load(rsa.privateKey()));
    assertEquals(
        "host key " + rsa.privateKey() + " is a ssh-rsa key; expected ssh-ed25519", e.getMessage());
  }

  @Test
  void loadDoesNotCreate() {
    Path file = dir.resolve("missing");
    IOException e = assertThrows(IOException.class, () -> HostKey.load(file));
    assertEquals(
        "host key " + file + " does not exist (it is created on the first 'serve')",
        e.getMessage());
    assertTrue(Files.notExists(file));
  }
}
