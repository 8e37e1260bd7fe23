package dev.walship.agent.capture;

import dev.walship.format.layout.Generation;
import dev.walship.format.wal.WalHeader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Test helper: what an operating-system crash can do to files that were written but not synced. A
 * WAL (live or shadow) loses a tail and keeps a prefix ending at a commit frame; the shadow keeps
 * at least what capture synced, which always covers the saved page image's position. Used by tests
 * of other packages on a meta directory left by a killed agent.
 */
public final class CrashCut {
  private CrashCut() {}

  /** The current shadow index of the agent capturing {@code db} (default meta directory). */
  public static Path currentShadow(Path db) throws IOException {
    MetaDir meta = new MetaDir(CaptureSettings.DEFAULTS.metaDirFor(db));
    Generation g = meta.readCurrent();
    TreeMap<Integer, Path> files = meta.shadowIndices(g);
    if (files.isEmpty()) {
      throw new AssertionError("no shadow index in " + meta.root());
    }
    return files.lastEntry().getValue();
  }

  /**
   * The lowest length the current shadow index can have after an operating-system crash: the saved
   * page image's offset when the image stands in that index, else the first commit frame's end.
   */
  public static long durableFloor(Path db) throws IOException {
    MetaDir meta = new MetaDir(CaptureSettings.DEFAULTS.metaDirFor(db));
    Generation g = meta.readCurrent();
    PageImage.Head head = PageImage.load(meta.imageFile(g)).head();
    Map.Entry<Integer, Path> current = meta.shadowIndices(g).lastEntry();
    List<Long> commits = commitEnds(current.getValue());
    long floor = commits.isEmpty() ? WalHeader.SIZE : commits.get(0);
    return head.index() == current.getKey() ? Math.max(floor, head.offset()) : floor;
  }

  /** Offsets just past each commit frame of a WAL file (live or shadow), in order. */
  public static List<Long> commitEnds(Path walFile) throws IOException {
    byte[] b = Files.readAllBytes(walFile);
    List<Long> out = new ArrayList<>();
    if (b.length < WalHeader.SIZE) {
      return out;
    }
    WalHeader h = WalHeader.parse(b, 0);
    int frame = h.frameSize();
    for (long off = WalHeader.SIZE; off + frame <= b.length; off += frame) {
      ByteBuffer f = ByteBuffer.wrap(b, (int) off, WalHeader.FRAME_HEADER_SIZE);
      int commitSize = f.getInt((int) off + 4);
      int salt1 = f.getInt((int) off + 8);
      int salt2 = f.getInt((int) off + 12);
      if (salt1 != h.salt1() || salt2 != h.salt2()) {
        break;
      }
      if (commitSize != 0) {
        out.add(off + frame);
      }
    }
    return out;
  }

  /** The last commit end at or below {@code atMost} (and at or above {@code floor}). */
  public static long commitAtOrBelow(Path walFile, long floor, long atMost) throws IOException {
    long best = -1;
    for (long c : commitEnds(walFile)) {
      if (c >= floor && c <= atMost) {
        best = c;
      }
    }
    if (best < 0) {
      throw new AssertionError(
          "no commit frame of " + walFile + " ends in [" + floor + ", " + atMost + "]");
    }
    return best;
  }

  /** Cuts {@code file} to {@code length} bytes, as a lost unsynced tail. */
  public static void cut(Path file, long length) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      if (f.length() < length) {
        throw new AssertionError(file + " holds " + f.length() + " bytes, fewer than " + length);
      }
      f.setLength(length);
    }
  }
}
