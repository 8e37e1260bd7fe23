package dev.walship.server.content;

import dev.walship.format.layout.LayoutFile;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.layout.WalSegmentName;
import dev.walship.format.validate.ContentCheck;
import dev.walship.format.validate.SegmentContext;
import dev.walship.format.validate.SegmentSummary;
import dev.walship.format.validate.ValidationException;
import dev.walship.server.audit.LogText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates uploads with shared-format's {@link ContentCheck}.
 *
 * <p>A segment at offset 0 carries its own WAL header. A segment further in is checked against its
 * index's header (from the index's offset-0 segment in the same directory) and the checksum chain
 * at its start (the end of the segment just before it, found by walking the index's segments from
 * offset 0). When either is not on disk, or the chain has a gap, it is validated with what is known
 * and the log says what was missing. Summaries of segments already read are cached by path, size
 * and inode (a rename keeps the inode, a later mtime change keeps both), so a steady stream of
 * uploads decodes each segment once. Age-encrypted uploads get what checks remain without a key
 * ({@link AgeUploads}).
 */
public final class LayoutContentValidator implements ContentValidator {
  private static final Logger LOG = LoggerFactory.getLogger(LayoutContentValidator.class);
  private static final int CACHE_ENTRIES = 4096;

  /** A file's identity and size: survives the rename into place and a later mtime change. */
  private record Stamp(long size, Object fileKey) {}

  private record Cached(Stamp stamp, SegmentSummary summary) {}

  private final Map<Path, Cached> cache =
      new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Cached> eldest) {
          return size() > CACHE_ENTRIES;
        }
      };

  private final AgeUploads age = new AgeUploads();

  @Override
  public void validate(LayoutFile name, Path content, Path target) throws IOException {
    if (AgeUploads.isAge(content)) {
      age.validate(name, content, target);
      return;
    }
    if (name instanceof SnapshotName s) {
      try (InputStream in = open(content)) {
        ContentCheck.snapshot(s, in);
      }
      return;
    }
    WalSegmentName segment = (WalSegmentName) name;
    if (segment.offset() > 0) {
      AgeUploads.sameAsIndexStart(segment, target, false);
    }
    SegmentContext context =
        segment.offset() == 0 ? SegmentContext.UNKNOWN : context(segment, target);
    SegmentSummary summary;
    try (InputStream in = open(content)) {
      summary = ContentCheck.segment(segment, in, context);
    }
    remember(target, stamp(content), summary);
  }

  /** The context of a segment at offset > 0, from the segments of its index already on disk. */
  private SegmentContext context(WalSegmentName segment, Path target) throws IOException {
    List<WalSegmentName> before = SegmentDirectory.before(target.getParent(), segment);
    String where = target.getParent().resolve(segment.fileName()).toString();
    if (before.isEmpty() || before.get(0).offset() != 0) {
      LOG.info(
          "validating {} without its index's WAL header: no offset-0 segment of index {} on disk",
          LogText.field(where),
          segment.index());
      return SegmentContext.UNKNOWN;
    }
    SegmentContext ctx = SegmentContext.UNKNOWN;
    long expected = 0;
    for (WalSegmentName s : before) {
      if (s.offset() != expected) {
        ctx = new SegmentContext(ctx.indexHeader(), null);
      }
      try {
        SegmentSummary summary = summary(target.resolveSibling(s.fileName()), s, ctx);
        ctx = SegmentContext.after(summary);
        expected = summary.endOffset();
      } catch (ValidationException e) {
        LOG.warn(
            "segment on disk does not validate, so the chain stops there: {}",
            LogText.text(e.getMessage()));
        ctx = new SegmentContext(ctx.indexHeader(), null);
        expected = -1;
      }
    }
    if (expected != segment.offset() || ctx.startChecksum() == null) {
      LOG.info(
          "validating {} without the checksum chain: the segments before it end at 0x{} (expected 0x{}) or break the chain",
          LogText.field(where),
          Long.toHexString(expected),
          Long.toHexString(segment.offset()));
      return new SegmentContext(ctx.indexHeader(), null);
    }
    return ctx;
  }

  /** The summary of a segment on disk: cached, or read now with {@code ctx}. */
  private SegmentSummary summary(Path file, WalSegmentName name, SegmentContext ctx)
      throws IOException {
    Stamp stamp = stamp(file);
    Cached c;
    synchronized (cache) {
      c = cache.get(file);
    }
    boolean chainKnown = name.offset() == 0 || ctx.startChecksum() != null;
    if (c != null
        && c.stamp().equals(stamp)
        && (c.summary().endChecksum() != null || !chainKnown)) {
      return c.summary();
    }
    SegmentSummary s;
    try (InputStream in = open(file)) {
      s = ContentCheck.segment(name, in, ctx);
    }
    remember(file, stamp, s);
    return s;
  }

  private void remember(Path file, Stamp stamp, SegmentSummary summary) {
    synchronized (cache) {
      cache.put(file, new Cached(stamp, summary));
    }
  }

  private static Stamp stamp(Path file) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    return new Stamp(a.size(), a.fileKey());
  }

  /** Unbuffered: the LZ4 decoder reads in chunks into buffers it keeps per thread. */
  private static InputStream open(Path file) throws IOException {
    return Files.newInputStream(file);
  }
}
