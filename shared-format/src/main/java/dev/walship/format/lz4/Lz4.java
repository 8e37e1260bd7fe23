package dev.walship.format.lz4;

import dev.walship.toolkit.files.KeepOpen;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream.BLOCKSIZE;
import net.jpountz.lz4.LZ4FrameOutputStream.FLG;

/** Opens LZ4-frame streams with the layout's settings. */
public final class Lz4 {
  /** The first four bytes of every LZ4 frame, as they appear in a file. */
  public static final byte[] MAGIC = {0x04, 0x22, 0x4d, 0x18};

  private Lz4() {}

  /**
   * A stream that compresses what is written to it into one LZ4 frame on {@code out}. Closing it
   * ends the frame (end mark and content checksum) and closes {@code out}.
   */
  public static OutputStream compressing(OutputStream out) throws IOException {
    return new LZ4FrameOutputStream(
        out, BLOCKSIZE.SIZE_4MB, FLG.Bits.BLOCK_INDEPENDENCE, FLG.Bits.CONTENT_CHECKSUM);
  }

  /** Like {@link #compressing} but ending the frame on close leaves {@code out} open. */
  public static OutputStream compressingKeepOpen(OutputStream out) throws IOException {
    return compressing(KeepOpen.output(out));
  }

  /**
   * A stream of the bytes decoded from the LZ4 frames on {@code in}. A damaged frame (bad magic,
   * bad descriptor, content checksum mismatch, cut short) fails the read with an {@link
   * IOException}. Closing it closes {@code in}. Reads {@code in} in chunks of its own, so {@code
   * in} needs no buffering. Not thread-safe; it borrows this thread's buffers ({@link
   * Lz4FrameReader}) until it ends, fails or is closed.
   */
  public static InputStream decompressing(InputStream in) throws IOException {
    return Lz4FrameReader.open(in);
  }
}
