package dev.walship.format.lz4;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * The stream {@link Lz4FrameReader#open} returns: borrows the thread's reader until the frames end,
 * decoding fails or it is closed, then gives it back and never touches it again. After a failure
 * every read fails the same way.
 */
final class DecodingStream extends InputStream {
  private final InputStream source;
  private Lz4FrameReader reader; // null once given back
  private IOException failure;
  private boolean closed;

  DecodingStream(Lz4FrameReader reader, InputStream source) {
    this.reader = reader;
    this.source = source;
  }

  @Override
  public int read() throws IOException {
    Lz4FrameReader r = reader();
    if (r == null) {
      return -1;
    }
    try {
      return ended(r.read());
    } catch (IOException | RuntimeException | Error e) {
      failed(e);
      throw e;
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    Lz4FrameReader r = reader();
    if (r == null) {
      return -1;
    } else if (len == 0) {
      return 0;
    }
    try {
      return ended(r.read(b, off, len));
    } catch (IOException | RuntimeException | Error e) {
      failed(e);
      throw e;
    }
  }

  @Override
  public long skip(long n) throws IOException {
    Lz4FrameReader r = reader();
    if (r == null || n <= 0) {
      return 0;
    }
    try {
      return Math.max(0, ended((int) r.skip(n)));
    } catch (IOException | RuntimeException | Error e) {
      failed(e);
      throw e;
    }
  }

  @Override
  public int available() throws IOException {
    Lz4FrameReader r = reader();
    return r == null ? 0 : r.available();
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      giveBack();
      source.close();
    }
  }

  /** The reader, or null once the frames ended; throws once the stream failed or closed. */
  private Lz4FrameReader reader() throws IOException {
    if (failure != null) {
      throw new IOException(failure.getMessage(), failure);
    } else if (closed) {
      throw new IOException("closed");
    }
    return reader;
  }

  private int ended(int n) {
    if (n < 0) {
      giveBack();
    }
    return n;
  }

  private void failed(Throwable e) {
    failure = e instanceof IOException io ? io : new IOException("decoding failed: " + e, e);
    giveBack();
  }

  private void giveBack() {
    if (reader != null) {
      reader.giveBack();
      reader = null;
    }
  }
}
