package dev.walship.agent.ship;

import dev.walship.format.lz4.Lz4;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Compresses a snapshot or a WAL byte range into one LZ4 frame, as the layout stores them. */
final class SegmentEncoder {
  private final byte[] buffer = new byte[1 << 16];

  /**
   * Copies {@code in} to its end into one LZ4 frame on {@code out}, leaving {@code out} open.
   *
   * @return the uncompressed bytes copied
   */
  long encode(InputStream in, OutputStream out) throws IOException {
    long n = 0;
    try (OutputStream lz4 = Lz4.compressingKeepOpen(out)) {
      int r;
      while ((r = in.read(buffer)) > 0) {
        lz4.write(buffer, 0, r);
        n += r;
      }
    }
    return n;
  }
}
