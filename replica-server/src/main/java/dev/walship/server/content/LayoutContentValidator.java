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
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
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
 *
 * <p>The common case costs two stats: each {@code wal/} directory remembers its tip, the last
 * segment validated there with a known chain. An upload that starts where the tip ends, while the
 * tip and its index's offset-0 segment are still the files that were validated (same size and
 * inode; published files never change in place), continues the tip's chain without listing the
 * directory or walking the index. Anything else (the first upload after a start, an upload out of
 * order, a tip that was replaced or deleted) takes the walk. Without the tip a directory of n
 * segments made every upload list n names and stat n files, and once more segments than the cache
 * holds were live across all databases, decode them all again.
 */
public final class LayoutContentValidator implements ContentValidator {
  private static final Logger LOG = LoggerFactory.getLogger(LayoutContentValidator.class);
  private static final int CACHE_ENTRIES = 4096;

  /** A file's identity and size: survives the rename into place and a later mtime change. */
  private record Stamp(long size, Object fileKey) {}

  private record Cached(Stamp stamp, SegmentSummary summary) {}

  private final Map<Path, Cached> cache = Lru.map(CACHE_ENTRIES);

  /**
   * The last segment validated with a known chain in a {@code wal/} directory, with the offset-0
   * segment of its index (whose WAL header the chain continues and whose encryption it shares).
   */
  private record Tip(
      WalSegmentName name,
      Path file,
      Stamp stamp,
      Path start,
      Stamp startStamp,
      SegmentSummary summary) {}

  private final Map<Path, Tip> tips = Lru.map(CACHE_ENTRIES);

  private final AgeUploads age = new AgeUploads();
  private final AtomicLong walks = new AtomicLong();

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
    Tip tip = segment.offset() == 0 ? null : continued(segment, target);
    SegmentContext context = SegmentContext.UNKNOWN;
    if (tip != null) {
      context = SegmentContext.after(tip.summary());
    } else if (segment.offset() > 0) {
      walks.incrementAndGet();
      AgeUploads.sameAsIndexStart(segment, target, false);
      context = context(segment, target);
    }
    SegmentSummary summary;
    try (InputStream in = open(content)) {
      summary = ContentCheck.segment(segment, in, context);
    }
    Stamp stamp = stamp(content);
    remember(target, stamp, summary);
    advanceTip(segment, target, stamp, summary, tip);
  }

  /** How many uploads were validated by walking their index's segments (not from a tip). */
  long walks() {
    return walks.get();
  }

  /** The tip of {@code target}'s directory when {@code segment} continues it, else null. */
  private Tip continued(WalSegmentName segment, Path target) throws IOException {
    Tip t;
    synchronized (tips) {
      t = tips.get(target.getParent());
    }
    if (t == null
        || t.name().index() != segment.index()
        || !t.name().generation().equals(segment.generation())
        || t.summary().endOffset() != segment.offset()
        || t.summary().endChecksum() == null
        || t.summary().indexHeader() == null) {
      return null;
    }
    return t.stamp().equals(stampIfAny(t.file())) && t.startStamp().equals(stampIfAny(t.start()))
        ? t
        : null;
  }

  /**
   * Makes the segment just validated its directory's tip when its chain is known: it continued the
   * tip, starts the index, or the walk found the whole chain before it.
   */
  private void advanceTip(
      WalSegmentName segment, Path target, Stamp stamp, SegmentSummary summary, Tip previous)
      throws IOException {
    Path start;
    Stamp startStamp;
    if (segment.offset() == 0) {
      start = target;
      startStamp = stamp;
    } else if (previous != null) {
      start = previous.start();
      startStamp = previous.startStamp();
    } else if (summary.endChecksum() != null && summary.indexHeader() != null) {
      start =
          target.resolveSibling(
              new WalSegmentName(segment.generation(), segment.index(), 0).fileName());
      startStamp = stampIfAny(start);
      if (startStamp == null) {
        return;
      }
    } else {
      return;
    }
    synchronized (tips) {
      tips.put(target.getParent(), new Tip(segment, target, stamp, start, startStamp, summary));
    }
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

  private static Stamp stampIfAny(Path file) throws IOException {
    try {
      return stamp(file);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Unbuffered: the LZ4 decoder reads in chunks into buffers it keeps per thread. */
  private static InputStream open(Path file) throws IOException {
    return Files.newInputStream(file);
  }
}
