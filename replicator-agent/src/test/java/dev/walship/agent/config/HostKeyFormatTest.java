package dev.walship.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.walship.testing.SshKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostKeyFormatTest {
  @TempDir Path dir;

  @Test
  void acceptsWhatSshKeygenPrints() throws Exception {
    for (String type : new String[] {"ed25519", "ecdsa", "rsa"}) {
      SshKeys.KeyPair pair = SshKeys.generate(dir, "host-" + type, type);
      assertNull(HostKeyFormat.problem(Files.readString(pair.publicKey()).strip()), type);
      assertNull(HostKeyFormat.problem(pair.fingerprint()), type);
    }
  }

  @Test
  void acceptsOtherKeyTypesAndComments() {
    assertNull(HostKeyFormat.problem(ConfigLoaderTest.ED25519));
    assertNull(HostKeyFormat.problem(ConfigLoaderTest.ED25519 + " root@alpha"));
    assertNull(HostKeyFormat.problem("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"));
  }

  @Test
  void refusesMalformedValues() {
    assertEquals(
        "\"SHA256:abc\" is not a SHA256 fingerprint (43 base64 characters after SHA256:, as ssh-keygen -lf prints)",
        HostKeyFormat.problem("SHA256:abc"));
    assertEquals(
        "expected a SHA256: fingerprint (as ssh-keygen -lf prints it) or an OpenSSH public-key line"
            + " (e.g. ssh-ed25519 AAAA…)",
        HostKeyFormat.problem("MD5:aa:bb"));
    assertEquals(
        "the key after ssh-ed25519 is not base64", HostKeyFormat.problem("ssh-ed25519 !!!"));
    assertEquals(
        "the key is not a ssh-rsa public key (it is ssh-ed25519)",
        HostKeyFormat.problem(ConfigLoaderTest.ED25519.replace("ssh-ed25519", "ssh-rsa")));
    assertEquals(
        "the key is not a ssh-ed25519 public key", HostKeyFormat.problem("ssh-ed25519 AAAA"));
  }
}
