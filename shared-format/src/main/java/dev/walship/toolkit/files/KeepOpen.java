package dev.walship.toolkit.files;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Stream views whose {@code close()} leaves the underlying stream open: for a decoder or encoder
 * (LZ4, age) that closes what it wraps when the caller still owns the stream and closes it itself,
 * after syncing or reading on.
 */
public final class KeepOpen {
  private KeepOpen() {}

  /** Writes pass through unbuffered; closing flushes {@code out} and leaves it open. */
  public static OutputStream output(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        out.flush();
      }
    };
  }

  /** Reads pass through; closing does nothing to {@code in}. */
  public static InputStream input(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public void close() {}
    };
  }
}
