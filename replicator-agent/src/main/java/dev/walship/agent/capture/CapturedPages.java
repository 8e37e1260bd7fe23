package dev.walship.agent.capture;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import dev.walship.format.wal.FrameHeader;
import dev.walship.format.wal.WalChecksum;
import dev.walship.format.wal.WalHeader;
import dev.walship.format.wal.WalReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the database held at a chosen point of its captured history, as a hash of every page, read
 * from the meta directory alone: the page image capture saved, brought forward by replaying the
 * shadow WAL's committed frames up to that point. This is how {@code verify} and {@code
 * validation-interval} compare a replica with the database "at the same position" although the
 * database itself has long moved on.
 *
 * <p>Invariant: {@link #at(Position)} describes the database after exactly the transactions
 * committed at or before that position, none after it: the saved image stands at its head ({@link
 * #oldest()}, see {@link History}: the image follows the end and is saved with its position), and
 * from there only whole committed transactions of the shadow indices are applied, in order, up to
 * the position, which must be a commit boundary (a replica's end always is: shippers ship committed
 * bytes only). Points before the head cannot be rebuilt (the shadow before it may be gone), and
 * neither can points beyond what the shadow holds.
 *
 * <p>Safe to use while an agent captures the same database: the image is replaced atomically and
 * shadow bytes never change once written; an index the agent deletes meanwhile (retention, after
 * saving a newer image) shows as {@link NoSuchFileException}, and reading again finds the newer
 * image. Nothing here writes to the meta directory.
 */
public final class CapturedPages implements AutoCloseable {
  private final MetaDir meta;
  private final PageImage.Saved saved;
  private final Map<Integer, FileChannel> open;

  private CapturedPages(MetaDir meta, PageImage.Saved saved, Map<Integer, FileChannel> open) {
    this.meta = meta;
    this.saved = saved;
    this.open = open;
  }

  /**
   * The current generation's saved image in {@code metaDir}, with the shadow indices from its
   * position on held open (so that capture deleting them after a newer image cannot take them
   * away); empty when nothing was captured yet. Close it.
   */
  public static Optional<CapturedPages> read(Path metaDir) throws IOException {
    MetaDir meta = new MetaDir(metaDir);
    for (int attempt = 1; ; attempt++) {
      Generation g = meta.readCurrent();
      if (g == null || !Files.exists(meta.imageFile(g))) {
        return Optional.empty();
      }
      PageImage.Saved saved = PageImage.load(meta.imageFile(g));
      Map<Integer, FileChannel> open = new HashMap<>();
      try {
        for (var e : meta.shadowIndices(g).tailMap(saved.head().index()).entrySet()) {
          open.put(e.getKey(), FileChannel.open(e.getValue(), StandardOpenOption.READ));
        }
        return Optional.of(new CapturedPages(meta, saved, open));
      } catch (NoSuchFileException gone) {
        closeAll(open);
        if (attempt == 3) {
          throw gone; // capture moved on three times while we looked
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    closeAll(open);
  }

  private static void closeAll(Map<Integer, FileChannel> open) throws IOException {
    for (FileChannel ch : open.values()) {
      ch.close();
    }
  }

  public Generation generation() {
    return saved.head().generation();
  }

  /** The oldest point that can be rebuilt: where the saved image stands. */
  public Position oldest() {
    PageImage.Head h = saved.head();
    return new Position(h.generation(), h.index(), h.offset());
  }

  /** The highest index the shadow holds locally, at least the image's. */
  public int lastIndex() throws IOException {
    var files = meta.shadowIndices(generation());
    return files.isEmpty() ? saved.head().index() : Math.max(saved.head().index(), files.lastKey());
  }

  /**
   * The pages at {@code p}, a commit boundary of this generation between {@link #oldest()} and the
   * end of what the shadow holds.
   *
   * @throws OutOfRange when {@code p} cannot be rebuilt from what the meta directory holds
   */
  public Pages at(Position p) throws IOException, OutOfRange {
    if (!p.generation().equals(generation())) {
      throw new OutOfRange(
          "generation " + p.generation() + " is not the one captured now (" + generation() + ")");
    }
    if (p.compareTo(oldest()) < 0) {
      throw new OutOfRange(
          "position "
              + p
              + " is before "
              + oldest()
              + ", the oldest point the meta directory can rebuild");
    }
    PageImage image = saved.image().copy();
    for (int i = saved.head().index(); i <= p.index(); i++) {
      replay(i, i == p.index() ? p.offset() : -1, image);
    }
    return new Pages(p, image);
  }

  /**
   * Applies the committed frames of index {@code i} from the image's head (or its start) up to
   * {@code limit} (-1: all).
   */
  private void replay(int i, long limit, PageImage image) throws IOException, OutOfRange {
    Path f = meta.shadowWal(generation(), i);
    FileChannel held = open.get(i);
    FileChannel ch = held != null ? held : FileChannel.open(f, StandardOpenOption.READ);
    try {
      replay(ch, f, i, limit, image);
    } finally {
      if (held == null) {
        ch.close();
      }
    }
  }

  private void replay(FileChannel ch, Path f, int i, long limit, PageImage image)
      throws IOException, OutOfRange {
    long size = ch.size();
    ByteBuffer hb = ByteBuffer.allocate(WalHeader.SIZE);
    if (FrameRun.readFully(ch, hb, 0) < WalHeader.SIZE) {
      throw new OutOfRange(f + " holds no WAL header yet");
    }
    WalHeader header = WalHeader.parse(hb.array(), 0);
    PageImage.Head head = saved.head();
    long from = WalHeader.SIZE;
    WalChecksum checksum = header.checksum();
    if (i == head.index() && head.offset() > WalHeader.SIZE) {
      from = head.offset();
      checksum = head.checksum();
    }
    long to = limit < 0 ? size : limit;
    if (limit >= 0
        && (limit > size || limit < from || (limit - WalHeader.SIZE) % header.frameSize() != 0)) {
      throw new OutOfRange(
          String.format(
              Locale.ROOT,
              "offset 0x%x of index %08x is not a frame boundary the"
                  + " local shadow holds (%s: %d bytes, frames from 0x%x)",
              limit,
              i,
              f,
              size,
              from));
    }
    ch.position(from);
    // not closed: closing would close a held channel; the caller closes what it opened
    InputStream in =
        new BufferedInputStream(java.nio.channels.Channels.newInputStream(ch), 1 << 16);
    apply(
        WalReader.continuing(new BoundedInput(in, to - from), header, from, checksum),
        limit,
        image,
        f);
  }

  /**
   * Applies whole transactions only: a frame's page counts once its transaction's commit frame is
   * read.
   */
  private static void apply(WalReader r, long limit, PageImage image, Path f)
      throws IOException, OutOfRange {
    List<long[]> pending = new ArrayList<>();
    int pageSize = r.header().pageSize();
    while (r.next()) {
      byte[] frame = r.frame();
      FrameHeader h = r.frameHeader();
      pending.add(
          new long[] {
            h.pageNumber(), PageImage.hash(frame, WalHeader.FRAME_HEADER_SIZE, pageSize)
          });
      if (h.isCommit()) {
        for (long[] u : pending) {
          image.set((int) u[0], u[1]);
        }
        image.commit(h.commitSize());
        pending.clear();
      }
    }
    if (limit >= 0 && r.offset() < limit) {
      throw new IOException(
          f
              + ": "
              + r.stopDetail()
              + " at offset "
              + r.offset()
              + " before 0x"
              + Long.toHexString(limit));
    }
    if (limit >= 0 && !pending.isEmpty()) {
      throw new OutOfRange(
          f + ": offset 0x" + Long.toHexString(limit) + " is inside a transaction");
    }
  }

  /** A position the meta directory cannot rebuild. */
  public static final class OutOfRange extends Exception {
    private static final long serialVersionUID = 1L;

    OutOfRange(String message) {
      super(message);
    }
  }

  /** Hashes of every page at one position, to compare a database file with. */
  public static final class Pages {
    private final Position position;
    private final PageImage image;

    private Pages(Position position, PageImage image) {
      this.position = position;
      this.image = image;
    }

    public Position position() {
      return position;
    }

    public int pageSize() {
      return image.pageSize();
    }

    public int pageCount() {
      return image.pageCount();
    }

    /**
     * Compares {@code file}, a database file, page by page (pages whose content capture does not
     * know are not compared).
     */
    public Comparison compare(Path file) throws IOException {
      int size = image.pageSize();
      List<Integer> differing = new ArrayList<>();
      int count = 0;
      int unknown = 0;
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        int pages = (int) Math.min(Integer.MAX_VALUE, ch.size() / size);
        ByteBuffer page = ByteBuffer.allocateDirect(size);
        for (int p = 1; p <= Math.min(pages, image.pageCount()); p++) {
          long want = image.get(p);
          if (want == PageImage.UNKNOWN) {
            unknown++;
            continue;
          }
          page.clear();
          FrameRun.readFully(ch, page, (long) (p - 1) * size);
          if (want != PageImage.hash(page, 0, size)) {
            count++;
            if (differing.size() < Comparison.LISTED) {
              differing.add(p);
            }
          }
        }
        return new Comparison(image.pageCount(), pages, List.copyOf(differing), count, unknown);
      }
    }
  }

  /**
   * How a database file compares with captured pages.
   *
   * @param expectedPages the page count captured
   * @param actualPages the file's page count
   * @param differing the first {@link #LISTED} pages (1-based) whose content differs
   * @param differingCount how many pages differ in all
   * @param unknown pages not compared (capture does not know their content)
   */
  public record Comparison(
      int expectedPages,
      int actualPages,
      List<Integer> differing,
      int differingCount,
      int unknown) {
    public static final int LISTED = 10;

    public boolean matches() {
      return expectedPages == actualPages && differingCount == 0;
    }
  }
}
