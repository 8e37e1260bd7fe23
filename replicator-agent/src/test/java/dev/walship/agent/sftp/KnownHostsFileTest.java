package dev.walship.agent.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.SshKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** known_hosts lines as OpenSSH writes and reads them. */
class KnownHostsFileTest {

  private static String key(SshKeys.KeyPair k) {
    String[] p = k.publicLine().split(" ");
    return p[0] + " " + p[1];
  }

  @Test
  void linesForAHostKeepTheirNumbersAndSkipWhatDoesNotParse(@TempDir Path dir) throws IOException {
    SshKeys.KeyPair a = SshKeys.generate(dir, "a", "ed25519");
    SshKeys.KeyPair b = SshKeys.generate(dir, "b", "ecdsa");
    Path f =
        Files.write(
            dir.resolve("known_hosts"),
            List.of(
                "# a comment",
                "",
                "[replica.example]:2222 " + key(a),
                "replica.example " + key(b),
                "[replica.example]:2222 ssh-ed25519 not-base64!",
                "@cert-authority *.example " + key(b),
                "@revoked [replica.example]:2222 " + key(b),
                "*.example,[*.example]:2222 " + key(b) + " trailing comment"));
    List<KnownHostsFile.Line> lines = new KnownHostsFile(f, true).linesFor("replica.example", 2222);
    assertEquals(List.of(3, 7, 8), lines.stream().map(KnownHostsFile.Line::number).toList());
    assertEquals(
        List.of(false, true, false), lines.stream().map(KnownHostsFile.Line::revoked).toList());
    assertEquals(a.fingerprint(), HostKeyPolicy.fingerprint(lines.get(0).key()));
    assertEquals(f + ":3", lines.get(0).where());
    assertEquals(
        List.of(4, 8),
        new KnownHostsFile(f, true)
            .linesFor("replica.example", 22).stream().map(KnownHostsFile.Line::number).toList(),
        "port 22 is looked up without brackets");
    assertEquals(List.of(), new KnownHostsFile(f, true).linesFor("REPLICA.example.org", 22));
  }

  @Test
  void hostNamesMatchCaseInsensitivelyAsOpenSshDoes(@TempDir Path dir) throws IOException {
    SshKeys.KeyPair a = SshKeys.generate(dir, "a", "ed25519");
    Path f = Files.write(dir.resolve("known_hosts"), List.of("Replica.Example,10.0.0.? " + key(a)));
    assertEquals(1, new KnownHostsFile(f, true).linesFor("replica.example", 22).size());
    assertEquals(1, new KnownHostsFile(f, true).linesFor("10.0.0.7", 22).size());
    assertEquals(0, new KnownHostsFile(f, true).linesFor("10.0.0.17", 22).size());
  }

  @Test
  void aNamedFileMustExistTheDefaultOneNeedNot(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("nope");
    NoSuchFileException e =
        assertThrows(
            NoSuchFileException.class, () -> new KnownHostsFile(missing, true).linesFor("h", 22));
    assertTrue(
        e.getMessage().contains(missing.toString()) && e.getMessage().contains("known-hosts"),
        e.getMessage());
    assertEquals(List.of(), new KnownHostsFile(missing, false).linesFor("h", 22));
  }
}
