package dev.walship.agent.verify;

import dev.walship.agent.restore.IndexPlan;
import dev.walship.agent.restore.RestorePlan;
import dev.walship.format.layout.LayoutFile;
import dev.walship.format.store.ReplicaStore;
import dev.walship.format.store.WalSegmentInfo;
import dev.walship.format.validate.ContentCheck;
import dev.walship.format.validate.SegmentContext;
import dev.walship.format.validate.SegmentSummary;
import dev.walship.format.wal.WalHeader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which replica files wrote the pages that differ: the last segment of the plan whose frames hold
 * the page, or the snapshot when no segment does. Reads the plan's segments once more (only after a
 * mismatch was found).
 */
final class Culprits {
  private Culprits() {}

  /** {@code location/path (pages …)} for every file that last wrote one of {@code pages}. */
  static List<String> find(ReplicaStore store, RestorePlan plan, List<Integer> pages)
      throws IOException {
    Map<Integer, LayoutFile> writer = new LinkedHashMap<>();
    for (int p : pages) {
      writer.put(p, plan.snapshot().name());
    }
    for (IndexPlan index : plan.indices()) {
      SegmentContext context = SegmentContext.UNKNOWN;
      for (WalSegmentInfo seg : index.segments()) {
        PageSink sink =
            new PageSink(seg.name().offset(), context.indexHeader(), writer, seg.name());
        try (InputStream in = store.open(seg.name())) {
          SegmentSummary s = ContentCheck.segment(seg.name(), in, context, sink);
          context = SegmentContext.after(s);
        }
      }
    }
    Map<LayoutFile, TreeSet<Integer>> byFile = new LinkedHashMap<>();
    writer.forEach((page, file) -> byFile.computeIfAbsent(file, f -> new TreeSet<>()).add(page));
    List<String> out = new ArrayList<>();
    byFile.forEach(
        (file, ps) -> out.add(plan.location() + "/" + file.path() + " (pages " + ps + ")"));
    return out;
  }

  /** Follows the decoded bytes of one segment and notes, per frame, the page it writes. */
  private static final class PageSink extends OutputStream {
    private final Map<Integer, LayoutFile> writer;
    private final LayoutFile file;
    private final byte[] head = new byte[WalHeader.SIZE];
    private long pos;
    private int frameSize;
    private int pgno;

    PageSink(long offset, WalHeader header, Map<Integer, LayoutFile> writer, LayoutFile file) {
      this.pos = offset;
      this.frameSize = header == null ? 0 : header.frameSize();
      this.writer = writer;
      this.file = file;
    }

    @Override
    public void write(int b) throws IOException {
      if (pos < WalHeader.SIZE) {
        head[(int) pos] = (byte) b;
        if (pos == WalHeader.SIZE - 1) {
          frameSize = WalHeader.parse(head, 0).frameSize();
        }
      } else if (frameSize > 0) {
        long inFrame = (pos - WalHeader.SIZE) % frameSize;
        if (inFrame < 4) {
          pgno = (pgno << 8) | (b & 0xff);
          if (inFrame == 3) {
            writer.computeIfPresent(pgno, (k, v) -> file);
            pgno = 0;
          }
        }
      }
      pos++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      for (int i = 0; i < len; i++) {
        write(b[off + i]);
      }
    }
  }
}
