package dev.walship.agent.age;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.AgeCli;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** age keys as Litestream reads them: key-file text per item, X25519 only, never shown. */
class AgeKeysTest {
  @TempDir Path tmp;

  @Test
  void readsWholeKeyFilesAndSingleLines() {
    AgeCli.KeyPair a = AgeCli.keygen(tmp, "a");
    AgeCli.KeyPair b = AgeCli.keygen(tmp, "b");
    AgeKeys k =
        AgeKeys.parse(
            List.of(a.fileText() + "\n# more\n" + b.identity() + "\r\n"),
            List.of("# backups\n" + a.recipient() + "\n\n" + b.recipient()));
    assertEquals(2, k.identities().size());
    assertEquals(2, k.recipients().size());
    assertTrue(k.canDecrypt() && k.canEncrypt());
    k.checkReadBack();
    String shown = k.toString();
    assertFalse(shown.contains(a.identity()) || shown.contains(b.identity()), shown);
    assertTrue(shown.contains(a.recipient()), shown);
  }

  @Test
  void identitiesThatCannotReadBackWhatTheRecipientsGetAreRefused() {
    AgeCli.KeyPair a = AgeCli.keygen(tmp, "a");
    AgeCli.KeyPair b = AgeCli.keygen(tmp, "b");
    AgeKeys.parse(List.of(a.identity()), List.of(b.recipient(), a.recipient())).checkReadBack();
    String m =
        assertThrows(
                IllegalArgumentException.class,
                () -> AgeKeys.parse(List.of(a.identity()), List.of(b.recipient())).checkReadBack())
            .getMessage();
    assertEquals(
        "none of the identities decrypts what is encrypted to the recipients ("
            + b.recipient()
            + "); the agent could not read back its own replica",
        m);
  }

  @Test
  void badKeysNameTheItemAndLineButNeverTheSecret() {
    AgeCli.KeyPair a = AgeCli.keygen(tmp, "a");
    String id = a.identity();
    char last = id.charAt(id.length() - 1);
    // Another bech32 character than the one there: "Q" alone left one key in 32 valid.
    String broken = id.substring(0, id.length() - 1) + (last == 'Q' ? 'P' : 'Q');
    String m =
        assertThrows(
                IllegalArgumentException.class,
                () -> AgeKeys.parse(List.of(a.identity(), "# c\n" + broken), List.of()))
            .getMessage();
    assertEquals(
        "identities[1]: line 2: not a valid age X25519 identity (bad checksum or length)", m);
    assertFalse(m.contains(broken));
    m =
        assertThrows(
                IllegalArgumentException.class,
                () -> AgeKeys.parse(List.of(), List.of(a.identity())))
            .getMessage();
    assertEquals(
        "recipients[0]: line 1: not an age recipient (expected age1…; that is a secret identity: it goes under"
            + " identities:, never here)",
        m);
    assertEquals(
        "identities[0]: line 1: not an age identity (expected AGE-SECRET-KEY-1…)",
        assertThrows(
                IllegalArgumentException.class,
                () -> AgeKeys.parse(List.of("-----BEGIN OPENSSH PRIVATE KEY-----"), List.of()))
            .getMessage());
  }
}
