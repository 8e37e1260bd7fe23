package dev.walship.agent.age;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import dev.walship.format.layout.WalSegmentName;
import dev.walship.format.store.FileReplicaStore;
import dev.walship.format.validate.AgeEnvelope;
import dev.walship.format.validate.ValidationException;
import dev.walship.testing.AgeCli;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** age encryption of a replica's files, cross-checked with the real {@code age}. */
class AgeReplicaStoreTest {
  static final WalSegmentName SEG =
      WalSegmentName.at(new Position(Generation.parse("0123456789abcdef"), 2, 0));
  @TempDir static Path keys;
  @TempDir Path tmp;
  static AgeCli.KeyPair a;
  static AgeCli.KeyPair b;

  @BeforeAll
  static void keygen() {
    a = AgeCli.keygen(keys, "a.txt");
    b = AgeCli.keygen(keys, "b.txt");
  }

  static byte[] random(int n) {
    byte[] d = new byte[n];
    new SplittableRandom(n).nextBytes(d);
    return d;
  }

  static byte[] read(AgeReplicaStore s) throws IOException {
    try (InputStream in = s.open(SEG)) {
      return in.readAllBytes();
    }
  }

  @Test
  void writesFilesTheRealAgeDecryptsAndReadsWhatItEncrypts() throws IOException {
    byte[] data = random(200_000);
    AgeReplicaStore store =
        new AgeReplicaStore(
            new FileReplicaStore(tmp.resolve("r")),
            AgeKeys.parse(List.of(a.fileText()), List.of(a.recipient(), b.recipient())));
    store.write(SEG, Instant.now(), out -> out.write(data));
    Path file = tmp.resolve("r").resolve(SEG.path());
    assertTrue(AgeEnvelope.isAge(Files.readAllBytes(file)), "the file on disk is an age file");
    assertEquals(2, AgeEnvelope.check("x", Files.newInputStream(file)).stanzas());
    for (AgeCli.KeyPair k : List.of(a, b)) {
      Path out = tmp.resolve("by-age-" + k.recipient());
      AgeCli.decrypt(file, out, k.file()).orThrow();
      assertArrayEquals(data, Files.readAllBytes(out));
    }
    assertArrayEquals(data, read(store));

    Path plain = tmp.resolve("plain");
    Files.write(plain, random(70_000));
    AgeCli.encrypt(plain, file, b.recipient());
    AgeReplicaStore withB =
        new AgeReplicaStore(
            new FileReplicaStore(tmp.resolve("r")),
            AgeKeys.parse(List.of(b.identity()), List.of()));
    assertArrayEquals(Files.readAllBytes(plain), read(withB));
  }

  @Test
  void aFileTheKeysCannotOpenIsAKeyProblemNeverDamage() throws IOException {
    FileReplicaStore files = new FileReplicaStore(tmp.resolve("r"));
    new AgeReplicaStore(files, AgeKeys.parse(List.of(a.identity()), List.of(a.recipient())))
        .write(SEG, Instant.now(), out -> out.write(random(1000)));
    AgeReplicaStore wrong =
        new AgeReplicaStore(files, AgeKeys.parse(List.of(b.identity()), List.of(b.recipient())));
    IOException e = assertThrows(AgeKeyException.class, () -> read(wrong));
    assertEquals(
        files.location()
            + "/"
            + SEG.path()
            + ": none of the 1 age identities decrypts it"
            + " (it was encrypted to other recipients; check age.identities)",
        e.getMessage());
    assertFalse(e.getMessage().contains(b.identity()));

    files.write(SEG, Instant.now(), out -> out.write(random(1000)));
    e = assertThrows(AgeKeyException.class, () -> read(wrong));
    assertTrue(
        e.getMessage()
            .endsWith(
                ": not age-encrypted, but this replica has age: set (a replica is either"
                    + " encrypted or not: give the encrypted one its own path)"),
        e.getMessage());
  }

  @Test
  void aDamagedHeaderOrPayloadIsDamage() throws IOException {
    FileReplicaStore files = new FileReplicaStore(tmp.resolve("r"));
    AgeReplicaStore store =
        new AgeReplicaStore(files, AgeKeys.parse(List.of(a.identity()), List.of(a.recipient())));
    store.write(SEG, Instant.now(), out -> out.write(random(100_000)));
    Path file = tmp.resolve("r").resolve(SEG.path());
    byte[] sealed = Files.readAllBytes(file);
    String text = new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1);
    byte[] badMac = sealed.clone();
    int mac = text.indexOf("\n--- ") + 6;
    badMac[mac] = (byte) (badMac[mac] == 'A' ? 'B' : 'A');
    Files.write(file, badMac);
    assertInstanceOf(ValidationException.class, assertThrows(IOException.class, () -> read(store)));
    byte[] badPayload = sealed.clone();
    badPayload[sealed.length - 100] ^= 1;
    Files.write(file, badPayload);
    assertThrows(IOException.class, () -> read(store), "the payload's tag does not verify");
  }

  @Test
  void writingNeedsRecipientsAndReadingIdentities() throws IOException {
    FileReplicaStore files = new FileReplicaStore(tmp.resolve("r"));
    AgeReplicaStore readOnly =
        new AgeReplicaStore(files, AgeKeys.parse(List.of(a.identity()), List.of()));
    assertTrue(
        assertThrows(
                AgeKeyException.class,
                () -> readOnly.write(SEG, Instant.now(), out -> out.write(1)))
            .getMessage()
            .endsWith("age: has no recipients to encrypt to (add the recipient, age1…)"));
    AgeReplicaStore writeOnly =
        new AgeReplicaStore(files, AgeKeys.parse(List.of(), List.of(a.recipient())));
    writeOnly.write(SEG, Instant.now(), out -> out.write(random(20)));
    assertTrue(
        assertThrows(AgeKeyException.class, () -> read(writeOnly))
            .getMessage()
            .endsWith(
                "age: has no identities to decrypt with (add the identity, AGE-SECRET-KEY-1…)"));
  }
}
