package dev.walship.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.Proc;
import dev.walship.testing.SshKeys;
import dev.walship.testing.TestTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeygenScriptTest {
  @TempDir Path tmp;

  @Test
  void makesAnEd25519KeyOnceAndPrintsItsPublicLine() throws Exception {
    Path key = tmp.resolve("keys/id_ed25519");
    String keygen = TestTools.repoRoot().resolve("scripts/keygen").toString();
    Proc.Result first = Proc.run(Duration.ofMinutes(1), keygen, "-f", key.toString()).orThrow();
    assertTrue(first.stdout().startsWith("ssh-ed25519 AAAA"), first.stdout());
    assertEquals(Files.readString(Path.of(key + ".pub")).trim(), first.stdout().trim());
    assertTrue(first.stderr().contains("authorized_keys_replicator"), first.stderr());
    String fingerprint = SshKeys.fingerprint(Path.of(key + ".pub"));
    Proc.Result again = Proc.run(Duration.ofMinutes(1), keygen, "-f", key.toString()).orThrow();
    assertEquals(first.stdout(), again.stdout(), "an existing key is kept");
    assertEquals(fingerprint, SshKeys.fingerprint(Path.of(key + ".pub")));
  }
}
