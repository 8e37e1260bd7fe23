package dev.walship.agent.capture;

import java.io.IOException;
import java.io.InputStream;

/** The first {@code left} bytes of a stream; closing it closes the stream. */
final class BoundedInput extends InputStream {
  private final InputStream in;
  private long left;

  BoundedInput(InputStream in, long left) {
    this.in = in;
    this.left = left;
  }

  @Override
  public int read() throws IOException {
    if (left <= 0) {
      return -1;
    }
    int b = in.read();
    if (b >= 0) {
      left--;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (left <= 0) {
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, left));
    if (n > 0) {
      left -= n;
    }
    return n;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
