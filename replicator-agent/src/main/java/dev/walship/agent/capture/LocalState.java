package dev.walship.agent.capture;

import dev.walship.format.layout.Generation;
import dev.walship.format.wal.WalHeader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.TreeMap;

/**
 * The state an earlier run left in the meta directory, read back after a clean stop or a crash: the
 * current generation, its shadow indices (each cut back to its last valid commit frame), and the
 * page image brought forward to the end of the last index by replaying the shadow frames after the
 * image's position.
 *
 * @param generation the current generation
 * @param index the current index
 * @param shadow the current index's shadow, or null when that index has not begun
 * @param image the database's pages at the end of the captured history
 * @param previous the header of the index before, or null
 * @param imageIndex the index the saved image stands in (shadow from there on must be kept)
 */
record LocalState(
    Generation generation,
    int index,
    ShadowIndex shadow,
    PageImage image,
    WalHeader previous,
    int imageIndex) {

  /** Why the meta directory cannot be continued from. */
  static final class Unusable extends Exception {
    private static final long serialVersionUID = 1L;

    Unusable(String reason) {
      super(reason);
    }
  }

  /** Loads the state, or throws {@link Unusable} saying why a new generation is needed. */
  static LocalState load(MetaDir meta, int pageSize) throws IOException, Unusable {
    Generation g = meta.readCurrent();
    if (g == null) {
      throw new Unusable(
          "no capture state in " + meta.root() + " (first start, or the meta directory was lost)");
    }
    PageImage.Saved saved;
    try {
      saved = PageImage.load(meta.imageFile(g));
    } catch (IOException e) {
      throw new Unusable("the page image of generation " + g + " is unusable: " + e.getMessage());
    }
    if (saved.image().pageSize() != pageSize) {
      throw new Unusable(
          "the database's page size is "
              + pageSize
              + ", generation "
              + g
              + " was captured with "
              + saved.image().pageSize());
    }
    return replay(meta, g, saved);
  }

  private static LocalState replay(MetaDir meta, Generation g, PageImage.Saved saved)
      throws IOException, Unusable {
    PageImage.Head head = saved.head();
    PageImage image = saved.image();
    TreeMap<Integer, Path> files = meta.shadowIndices(g);
    int last = files.isEmpty() ? head.index() : Math.max(head.index(), files.lastKey());
    ShadowIndex current = null;
    WalHeader previous = null;
    for (int i = head.index(); i <= last; i++) {
      Path f = files.get(i);
      ShadowIndex s = f == null ? null : ShadowIndex.recover(f);
      boolean mustExist = i < last || (i == head.index() && head.offset() > 0);
      if (s == null && mustExist) {
        throw new Unusable(
            "shadow index "
                + i
                + " of generation "
                + g
                + " is missing or empty"
                + " although the history needs it");
      }
      if (s != null) {
        apply(s, i == head.index() ? head : null, image, g, i);
      }
      if (i < last && s != null) {
        previous = s.header();
        s.close();
      } else {
        current = s;
      }
    }
    return new LocalState(g, last, current, image, previous, head.index());
  }

  private static void apply(
      ShadowIndex s, PageImage.Head head, PageImage image, Generation g, int i)
      throws IOException, Unusable {
    long from = WalHeader.SIZE;
    var checksum = s.header().checksum();
    if (head != null && head.offset() > 0) {
      if (head.salt1() != s.header().salt1() || head.salt2() != s.header().salt2()) {
        throw new Unusable(
            "shadow index "
                + i
                + " of generation "
                + g
                + " is not the WAL cycle "
                + "the page image was taken in");
      }
      from = head.offset();
      checksum = head.checksum();
    }
    if (s.length() < from) {
      throw new Unusable(
          "shadow index "
              + i
              + " of generation "
              + g
              + " holds "
              + s.length()
              + " bytes, the page image stands at "
              + from);
    }
    FrameRun.Result run = FrameRun.read(s.channel(), s.header(), from, checksum, null);
    if (run.end() != s.length() && from < s.length()) {
      throw new Unusable(
          "shadow index "
              + i
              + " of generation "
              + g
              + " does not continue the page image's position "
              + from);
    }
    run.applyTo(image);
  }
}
