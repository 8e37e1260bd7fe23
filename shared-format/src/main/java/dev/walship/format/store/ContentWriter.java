package dev.walship.format.store;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a file's bytes into the stream a store opened for it. The store owns the stream: it
 * flushes, syncs and closes it after {@link #writeTo} returns, and discards the file if it throws.
 */
@FunctionalInterface
public interface ContentWriter {
  void writeTo(OutputStream out) throws IOException;
}
