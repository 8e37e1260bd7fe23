package dev.walship.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.Proc;
import dev.walship.testing.TestTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeygenCommandTest {
  @TempDir Path dir;

  @Test
  void makesAnOpenSshEd25519KeyOnceAndPrintsItsPublicLine() throws Exception {
    Path key = dir.resolve("keys/id_ed25519");
    CliRun r = CliRun.run(dir, Map.of(), "keygen", "-f", key.toString(), "-C", "bravo");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().startsWith("ssh-ed25519 AAAA"), r.out());
    assertTrue(r.out().trim().endsWith(" bravo"), r.out());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    assertEquals(
        "rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent())));
    assertEquals(r.out().trim(), Files.readString(Path.of(key + ".pub")).trim());
    // OpenSSH reads the private key and derives the same public key
    String derived =
        Proc.run(
                Duration.ofSeconds(30),
                TestTools.onPath("ssh-keygen").toString(),
                "-y",
                "-f",
                key.toString())
            .orThrow()
            .stdout()
            .trim();
    assertEquals(r.out().trim().substring(0, derived.length()), derived);
    CliRun again = CliRun.run(dir, Map.of(), "keygen", "-f", key.toString());
    assertEquals(0, again.exit());
    assertEquals(r.out(), again.out(), "an existing key is kept");
    assertTrue(again.err().startsWith("kept the existing key"), again.err());
  }

  @Test
  void thePublicLineOfAKeyWithoutItsPubFileIsDerived() throws Exception {
    Path key = dir.resolve("k");
    CliRun r = CliRun.run(dir, Map.of(), "keygen", "-f", key.toString());
    Files.delete(Path.of(key + ".pub"));
    CliRun again = CliRun.run(dir, Map.of(), "keygen", "-f", key.toString());
    assertEquals(0, again.exit(), again.err());
    String[] a = r.out().split(" ");
    assertTrue(again.out().startsWith(a[0] + " " + a[1]), again.out());
  }

  @Test
  void aKeyInADirectorySharedWithOneGroupIsReadableByThatGroupOnly() throws Exception {
    Path shared = Files.createDirectory(dir.resolve("etc-replicator"));
    var group =
        shared
            .getFileSystem()
            .getUserPrincipalLookupService()
            .lookupPrincipalByGroupName("nogroup");
    Files.getFileAttributeView(shared, java.nio.file.attribute.PosixFileAttributeView.class)
        .setGroup(group);
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-x---"));
    Path key = shared.resolve("id_ed25519");
    CliRun r = CliRun.run(dir, Map.of(), "keygen", "-f", key.toString());
    assertEquals(0, r.exit(), r.err());
    var at = Files.readAttributes(key, java.nio.file.attribute.PosixFileAttributes.class);
    assertEquals(
        "nogroup rw-r-----",
        at.group().getName() + " " + PosixFilePermissions.toString(at.permissions()));
    assertTrue(r.err().contains("readable by group nogroup"), r.err());
  }
}
