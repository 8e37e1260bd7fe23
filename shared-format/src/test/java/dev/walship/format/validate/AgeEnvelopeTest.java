package dev.walship.format.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.testing.AgeCli;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The age envelope as the real {@code age} writes it: what the server can check without a key. */
class AgeEnvelopeTest {
  @TempDir static Path tmp;
  static AgeCli.KeyPair a;
  static AgeCli.KeyPair b;

  @BeforeAll
  static void keys() {
    a = AgeCli.keygen(tmp, "a.txt");
    b = AgeCli.keygen(tmp, "b.txt");
  }

  static byte[] sealed(int plaintext, String... recipients) throws IOException {
    byte[] data = new byte[plaintext];
    new SplittableRandom(plaintext).nextBytes(data);
    Path in = tmp.resolve("plain-" + plaintext);
    Path out = tmp.resolve("sealed-" + plaintext + "-" + recipients.length);
    Files.write(in, data);
    AgeCli.encrypt(in, out, recipients);
    return Files.readAllBytes(out);
  }

  static String problem(byte[] file) {
    return assertThrows(
            ValidationException.class,
            () -> AgeEnvelope.check("segment x", new ByteArrayInputStream(file)))
        .getMessage();
  }

  @Test
  void tellsAgeFromLz4() throws IOException {
    assertTrue(AgeEnvelope.isAge(sealed(100, a.recipient())));
    assertFalse(AgeEnvelope.isAge(new byte[] {0x04, 0x22, 0x4d, 0x18, 0, 0, 0, 0}));
    assertFalse(AgeEnvelope.isAge("age-encryption.org/v1".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void readsTheShapeOfWhatAgeWrites() throws IOException {
    for (int n : new int[] {11, 65_536, 65_537, 3 * 65_536, 200_000}) {
      AgeEnvelope.Summary s =
          AgeEnvelope.check("f", new ByteArrayInputStream(sealed(n, a.recipient())));
      assertEquals(new AgeEnvelope.Summary(1, n), s, "plaintext " + n);
    }
    assertEquals(
        2,
        AgeEnvelope.check("f", new ByteArrayInputStream(sealed(500, a.recipient(), b.recipient())))
            .stanzas());
  }

  @Test
  void refusesWhatAgeNeverWrites() throws IOException {
    byte[] ok = sealed(70_000, a.recipient());
    assertEquals(
        "segment x: not an age file (expected the line age-encryption.org/v1)",
        problem("age-encryption.org/v2\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(
        "segment x: age payload ends in a 3-byte chunk (a chunk holds a 16-byte tag and at least 1 byte)",
        problem(Arrays.copyOf(ok, ok.length - (70_000 - 65_536) - 13)));
    assertTrue(problem(Arrays.copyOf(ok, 60)).startsWith("segment x: age "), "cut in the header");
    byte[] tiny = sealed(10, a.recipient());
    assertEquals(
        "segment x: age payload holds 10 bytes, too few for an LZ4 frame (at least 11)",
        problem(tiny));
    String text = new String(ok, StandardCharsets.ISO_8859_1);
    int mac = text.indexOf("\n--- ") + 1;
    byte[] noMac = ok.clone();
    noMac[mac] = '+';
    assertTrue(problem(noMac).startsWith("segment x: age "), problem(noMac));
    byte[] badStanza = ok.clone();
    badStanza[text.indexOf("-> ") + 3] = ' ';
    assertEquals(
        "segment x: age stanza line is not '-> type args…' in printable ASCII", problem(badStanza));
    byte[] endless =
        ("age-encryption.org/v1\n-> X25519 a\n" + "A".repeat(70_000))
            .getBytes(StandardCharsets.US_ASCII);
    assertEquals("segment x: age header is longer than 65536 bytes", problem(endless));
  }
}
