package dev.walship.format.store;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a file's bytes into the stream a store opened for it. The store owns the stream: it
 * flushes, syncs and closes it after {@link #writeTo} returns, and discards the file if it throws.
 *
 * <p>A store may call {@link #writeTo} more than once for one write (a network store redoes the
 * whole upload on a new connection after a drop), so it must write the same bytes every time.
 */
@FunctionalInterface
public interface ContentWriter {
  void writeTo(OutputStream out) throws IOException;
}
