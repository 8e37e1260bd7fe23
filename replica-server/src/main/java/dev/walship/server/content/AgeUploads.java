package dev.walship.server.content;

import dev.walship.format.layout.LayoutFile;
import dev.walship.format.layout.WalSegmentName;
import dev.walship.format.validate.AgeEnvelope;
import dev.walship.format.validate.ValidationException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads that are age-encrypted (a replica with {@code age:}, as Litestream v0.3.13 and walship
 * write it: each LZ4 file encrypted whole). The server holds no key, so it checks what it can: the
 * name and place (the caller), the age envelope ({@link AgeEnvelope}: header, payload shape), and
 * that an index is encrypted all through or not at all. The LZ4 frames, WAL header, salts,
 * checksums, the checksum chain between segments and the snapshot's database header cannot be
 * checked; the log says so once per generation.
 */
final class AgeUploads {
  private static final Logger LOG = LoggerFactory.getLogger(LayoutContentValidator.class);
  private static final int REMEMBERED = 1024;

  private final Set<Path> announced = Collections.newSetFromMap(Lru.map(REMEMBERED));

  /** Whether {@code file} starts like an age file. */
  static boolean isAge(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return AgeEnvelope.isAge(in.readNBytes(AgeEnvelope.MAGIC_LENGTH));
    }
  }

  /** Validates an encrypted upload of {@code name}, about to become {@code target}. */
  void validate(LayoutFile name, Path content, Path target) throws IOException {
    String what =
        (name instanceof WalSegmentName w
            ? "segment " + w.shortName()
            : "snapshot " + name.fileName());
    try (InputStream in = new BufferedInputStream(Files.newInputStream(content), 1 << 16)) {
      AgeEnvelope.check(what, in);
    }
    if (name instanceof WalSegmentName segment && segment.offset() > 0) {
      sameAsIndexStart(segment, target, true);
    }
    announce(target.getParent().getParent());
  }

  /**
   * Refuses a segment whose encryption differs from its index's first segment on disk: a reader
   * decrypts all of an index or none of it.
   */
  static void sameAsIndexStart(WalSegmentName segment, Path target, boolean encrypted)
      throws IOException {
    List<WalSegmentName> before = SegmentDirectory.before(target.getParent(), segment);
    if (before.isEmpty() || before.get(0).offset() != 0) {
      return;
    }
    Path first = target.resolveSibling(before.get(0).fileName());
    if (isAge(first) != encrypted) {
      throw new ValidationException(
          "segment " + segment.shortName(),
          (encrypted ? "is" : "is not")
              + " age-encrypted but the first segment of its index, "
              + before.get(0).shortName()
              + ", "
              + (encrypted ? "is not" : "is")
              + " (a replica is encrypted all through or not at all)");
    }
  }

  private void announce(Path generationDir) {
    boolean first;
    synchronized (announced) {
      first = announced.add(generationDir);
    }
    if (first) {
      LOG.info(
          "{}: uploads are age-encrypted: their names, places in the layout and age envelopes are checked;"
              + " their LZ4 frames, WAL headers, salts, checksums and database headers cannot be (the server holds no key)",
          generationDir);
    }
  }
}
