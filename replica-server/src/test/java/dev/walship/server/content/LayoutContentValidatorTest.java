package dev.walship.server.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.layout.WalSegmentName;
import dev.walship.format.validate.ValidationException;
import dev.walship.server.LayoutSamples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayoutContentValidatorTest {
  static final Generation GEN = Generation.parse("0123456789abcdef");
  @TempDir static Path samplesDir;
  static LayoutSamples s;

  @TempDir Path dir;
  final LayoutContentValidator validator = new LayoutContentValidator();

  @BeforeAll
  static void samples() {
    s = LayoutSamples.make(samplesDir, 6);
    assertTrue(s.frames() >= 6, "sample WAL has " + s.frames() + " frames");
  }

  /** Puts a file on disk by hand: a new file (a new inode), as nothing rewrites one in place. */
  private Path file(String name, byte[] content) throws Exception {
    Path p = Files.createDirectories(dir.resolve("wal")).resolve(name);
    Files.deleteIfExists(p);
    return Files.write(p, content);
  }

  private void validate(WalSegmentName name, byte[] content) throws Exception {
    Path upload = Files.write(dir.resolve("upload"), content);
    validator.validate(name, upload, dir.resolve("wal").resolve(name.fileName()));
  }

  /** Validates an upload and publishes it as the server does: a rename keeps its inode. */
  private void upload(WalSegmentName name, byte[] content) throws Exception {
    Path upload = Files.write(dir.resolve("upload-" + name.fileName()), content);
    Path target = Files.createDirectories(dir.resolve("wal")).resolve(name.fileName());
    validator.validate(name, upload, target);
    Files.move(upload, target, StandardCopyOption.REPLACE_EXISTING);
  }

  private WalSegmentName seg(long offset) {
    return new WalSegmentName(GEN, 0, offset);
  }

  @Test
  void snapshots() throws Exception {
    Path good = Files.write(dir.resolve("s"), s.snapshot());
    validator.validate(new SnapshotName(GEN, 0), good, dir.resolve("00000000.snapshot.lz4"));
    Path junk = Files.write(dir.resolve("j"), LayoutSamples.lz4("not a database".getBytes()));
    ValidationException e =
        assertThrows(
            ValidationException.class,
            () ->
                validator.validate(
                    new SnapshotName(GEN, 0), junk, dir.resolve("00000000.snapshot.lz4")));
    assertTrue(e.getMessage().contains("snapshot 00000000.snapshot.lz4"), e.getMessage());
    Path raw = Files.write(dir.resolve("raw"), s.database());
    assertThrows(
        ValidationException.class,
        () -> validator.validate(new SnapshotName(GEN, 0), raw, dir.resolve("x")));
  }

  @Test
  void aSegmentAtOffsetZeroStandsAlone() throws Exception {
    validate(seg(0), s.segment(0, s.frameOffset(2)));
    assertThrows(
        ValidationException.class, () -> validate(seg(0), s.segment(0, s.frameOffset(2) - 7)));
    assertThrows(
        ValidationException.class, () -> validate(seg(0), s.segment(32, s.frameOffset(2))));
  }

  @Test
  void aLaterSegmentIsCheckedAgainstItsIndexHeaderAndChecksumChain() throws Exception {
    long a = s.frameOffset(2);
    long b = s.frameOffset(4);
    file(seg(0).fileName(), s.segment(0, a));
    validate(seg(a), s.segment(a, b));
    file(seg(a).fileName(), s.segment(a, b));
    validate(seg(b), s.segment(b, s.frameOffset(5)));

    // A frame whose checksum does not continue the chain: frame 5 offered where frame 3 belongs.
    byte[] wrongPlace = Arrays.copyOfRange(s.wal(), (int) s.frameOffset(5), (int) s.frameOffset(6));
    ValidationException e =
        assertThrows(
            ValidationException.class, () -> validate(seg(a), LayoutSamples.lz4(wrongPlace)));
    assertTrue(
        e.getMessage().startsWith("segment 00000000_" + String.format("%08x", a)), e.getMessage());
    // Not frame-aligned for the index's page size.
    assertThrows(ValidationException.class, () -> validate(seg(a + 8), s.segment(a, b)));
  }

  @Test
  void withoutTheOffsetZeroSegmentWhatCanBeCheckedIs() throws Exception {
    long a = s.frameOffset(2);
    validate(seg(a), s.segment(a, s.frameOffset(3)));
    assertThrows(ValidationException.class, () -> validate(seg(a), "not lz4".getBytes()));
  }

  @Test
  void aGapBeforeTheSegmentDropsOnlyTheChain() throws Exception {
    file(seg(0).fileName(), s.segment(0, s.frameOffset(1)));
    long c = s.frameOffset(3);
    validate(seg(c), s.segment(c, s.frameOffset(4)));
    // The index header still applies: a segment of a different WAL (other salts) is refused.
    LayoutSamples other = LayoutSamples.make(dir.resolve("other"), 6);
    assertThrows(
        ValidationException.class,
        () -> validate(seg(c), other.segment(other.frameOffset(3), other.frameOffset(4))));
  }

  @Test
  void aSteadyStreamContinuesEachDirectorysTipWithoutWalking() throws Exception {
    upload(seg(0), s.segment(0, s.frameOffset(1)));
    for (int f = 1; f < 5; f++) {
      upload(seg(s.frameOffset(f)), s.segment(s.frameOffset(f), s.frameOffset(f + 1)));
    }
    assertEquals(0, validator.walks());
    // The tip still checks the chain: frame 4 again where frame 5 belongs.
    long end = s.frameOffset(5);
    byte[] replay = Arrays.copyOfRange(s.wal(), (int) s.frameOffset(4), (int) end);
    ValidationException e =
        assertThrows(ValidationException.class, () -> upload(seg(end), LayoutSamples.lz4(replay)));
    assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    assertEquals(0, validator.walks());
    upload(seg(end), s.segment(end, s.frameOffset(6)));
    assertEquals(0, validator.walks());
  }

  @Test
  void aTipThatIsNoLongerTheValidatedFileIsWalkedAgain() throws Exception {
    long a = s.frameOffset(2);
    long b = s.frameOffset(4);
    upload(seg(0), s.segment(0, a));
    upload(seg(a), s.segment(a, b));
    // The tip replaced by another file (the link keeps the old inode from being reused), then
    // deleted: both times the walk decides.
    Files.createLink(dir.resolve("validated-tip"), dir.resolve("wal").resolve(seg(a).fileName()));
    file(seg(a).fileName(), s.segment(a, b));
    upload(seg(b), s.segment(b, s.frameOffset(5)));
    assertEquals(1, validator.walks());
    Files.delete(dir.resolve("wal").resolve(seg(b).fileName()));
    upload(seg(b), s.segment(b, s.frameOffset(5)));
    assertEquals(2, validator.walks());
    upload(seg(s.frameOffset(5)), s.segment(s.frameOffset(5), s.frameOffset(6)));
    assertEquals(2, validator.walks());
  }

  @Test
  void anIndexStartReplacedSinceTheTipIsWalkedAgain() throws Exception {
    long a = s.frameOffset(2);
    long b = s.frameOffset(4);
    upload(seg(0), s.segment(0, a));
    upload(seg(a), s.segment(a, b));
    Files.createLink(dir.resolve("validated-start"), dir.resolve("wal").resolve(seg(0).fileName()));
    file(seg(0).fileName(), sealed(s.segment(0, a)));
    ValidationException e =
        assertThrows(
            ValidationException.class, () -> upload(seg(b), s.segment(b, s.frameOffset(5))));
    assertTrue(
        e.getMessage().contains("is not age-encrypted but the first segment of its index"),
        e.getMessage());
    assertEquals(1, validator.walks());
  }

  private byte[] sealed(byte[] plain) throws Exception {
    Path in = Files.write(dir.resolve("plain-" + System.nanoTime()), plain);
    Path out = dir.resolve("sealed-" + System.nanoTime());
    dev.walship.testing.AgeCli.encrypt(in, out, AGE.recipient());
    return Files.readAllBytes(out);
  }

  static dev.walship.testing.AgeCli.KeyPair AGE;

  @BeforeAll
  static void ageKey() {
    AGE = dev.walship.testing.AgeCli.keygen(samplesDir, "age.txt");
  }

  @Test
  void ageEncryptedFilesAreCheckedForTheirEnvelopeOnly() throws Exception {
    Path snap = Files.write(dir.resolve("s"), sealed(s.snapshot()));
    validator.validate(new SnapshotName(GEN, 0), snap, dir.resolve("00000000.snapshot.lz4"));
    byte[] first = sealed(s.segment(0, s.frameOffset(2)));
    validate(seg(0), first);
    file(seg(0).fileName(), first);
    validate(seg(s.frameOffset(2)), sealed(s.segment(s.frameOffset(2), s.frameOffset(4))));
    validate(
        seg(s.frameOffset(2)),
        sealed(LayoutSamples.lz4("no WAL frames, but nobody can tell".getBytes())));
    ValidationException cut =
        assertThrows(ValidationException.class, () -> validate(seg(0), Arrays.copyOf(first, 90)));
    assertTrue(cut.getMessage().startsWith("segment 00000000_00000000: age "), cut.getMessage());
  }

  @Test
  void anIndexIsEncryptedAllThroughOrNotAtAll() throws Exception {
    file(seg(0).fileName(), s.segment(0, s.frameOffset(2)));
    ValidationException e =
        assertThrows(
            ValidationException.class,
            () ->
                validate(
                    seg(s.frameOffset(2)), sealed(s.segment(s.frameOffset(2), s.frameOffset(4)))));
    assertTrue(
        e.getMessage()
            .endsWith(
                "is age-encrypted but the first segment of its index, 00000000_00000000, is not"
                    + " (a replica is encrypted all through or not at all)"),
        e.getMessage());
    file(seg(0).fileName(), sealed(s.segment(0, s.frameOffset(2))));
    e =
        assertThrows(
            ValidationException.class,
            () -> validate(seg(s.frameOffset(2)), s.segment(s.frameOffset(2), s.frameOffset(4))));
    assertTrue(
        e.getMessage().contains("is not age-encrypted but the first segment of its index"),
        e.getMessage());
  }
}
