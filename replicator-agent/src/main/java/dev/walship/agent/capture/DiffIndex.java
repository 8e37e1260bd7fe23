package dev.walship.agent.capture;

import dev.walship.format.wal.FrameEncoder;
import dev.walship.format.wal.WalHeader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the shadow file of a catch-up index: a WAL of its own (header with fresh salts, a valid
 * checksum chain) holding one frame per page given, the last of them the commit frame with the
 * database's new page count: one transaction, as SQLite itself would write it. Frames go to the
 * file in batches as pages arrive; only the last page is held back, so that it can become the
 * commit frame. Nothing is published: the file becomes part of the history only through {@link
 * History#caughtUp}.
 */
final class DiffIndex implements AutoCloseable {
  private static final int BATCH = 1 << 20;

  private final ShadowIndex shadow;
  private final FrameEncoder encoder;
  private final int pageSize;
  private final byte[] batch;
  private final byte[] held;
  private int heldPage;
  private int used;
  private long offset = WalHeader.SIZE;
  private int frames;
  private boolean done;

  private DiffIndex(ShadowIndex shadow) {
    this.shadow = shadow;
    this.encoder = new FrameEncoder(shadow.header());
    this.pageSize = shadow.header().pageSize();
    int frameSize = shadow.header().frameSize();
    this.batch = new byte[Math.max(1, BATCH / frameSize) * frameSize];
    this.held = new byte[pageSize];
  }

  /** Starts the index file {@code file} (which must not exist) with the cycle {@code header}. */
  static DiffIndex create(Path file, WalHeader header) throws IOException {
    Files.deleteIfExists(file);
    return new DiffIndex(ShadowIndex.create(file, header));
  }

  /**
   * Adds page {@code pgno} ({@code pageSize} bytes of {@code b} from {@code off}); pages ascend.
   */
  void page(int pgno, byte[] b, int off) throws IOException {
    if (heldPage != 0) {
      frame(heldPage, 0, held, 0);
    }
    System.arraycopy(b, off, held, 0, pageSize);
    heldPage = pgno;
  }

  /** Pages added so far. */
  int pages() {
    return frames + (heldPage == 0 ? 0 : 1);
  }

  /**
   * Ends the transaction: the last page becomes the commit frame, the database {@code pageCount}
   * pages long. Then the file is synced and its content published in the shadow (not yet in the
   * history).
   *
   * @param page1 page 1 of the new state, the commit frame when no page was added
   * @return the finished index
   */
  ShadowIndex commit(int pageCount, byte[] page1, long nowMillis) throws IOException {
    if (heldPage == 0) {
      page(1, page1, 0);
    }
    frame(heldPage, pageCount, held, 0);
    flush();
    shadow.publish(offset, encoder.checksum(), nowMillis);
    shadow.sync();
    done = true;
    return shadow;
  }

  private void frame(int pgno, int commitSize, byte[] page, int off) throws IOException {
    int frameSize = WalHeader.FRAME_HEADER_SIZE + pageSize;
    if (used + frameSize > batch.length) {
      flush();
    }
    encoder.encode(pgno, commitSize, page, off, batch, used);
    used += frameSize;
    frames++;
  }

  private void flush() throws IOException {
    if (used > 0) {
      shadow.write(offset, batch, 0, used);
      offset += used;
      used = 0;
    }
  }

  /** Deletes the file unless {@link #commit} finished it (a failed catch-up leaves nothing). */
  @Override
  public void close() throws IOException {
    if (!done) {
      shadow.close();
      Files.deleteIfExists(shadow.file());
    }
  }
}
