package dev.walship.agent.restore;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Frames of a transaction not yet committed: kept in memory up to {@link #MEMORY_LIMIT} bytes, then
 * appended to a spill file, so a transaction of any size restores in bounded memory.
 */
final class PendingFrames implements Closeable {
  /** Bytes of frames held in memory before spilling to disk. */
  static final long MEMORY_LIMIT = 32L << 20;

  /** What is done with each frame when the transaction commits. */
  interface FrameConsumer {
    void accept(byte[] frame) throws IOException;
  }

  private final Path spill;
  private final long memoryLimit;
  private final List<byte[]> memory = new ArrayList<>();
  private long memoryBytes;
  private OutputStream spillOut;
  private long spilled;
  private int frameSize;

  PendingFrames(Path spill) {
    this(spill, MEMORY_LIMIT);
  }

  PendingFrames(Path spill, long memoryLimit) {
    this.spill = spill;
    this.memoryLimit = memoryLimit;
  }

  void add(byte[] frame) throws IOException {
    frameSize = frame.length;
    if (memoryBytes + frame.length <= memoryLimit) {
      memory.add(frame.clone());
      memoryBytes += frame.length;
      return;
    }
    if (spillOut == null) {
      spillOut = new BufferedOutputStream(Files.newOutputStream(spill), 1 << 16);
    }
    spillOut.write(frame);
    spilled++;
  }

  /** Hands every held frame, in order, to {@code consumer}, and forgets them. */
  void drain(FrameConsumer consumer) throws IOException {
    for (byte[] f : memory) {
      consumer.accept(f);
    }
    if (spillOut != null) {
      spillOut.close();
      spillOut = null;
      try (InputStream in = new BufferedInputStream(Files.newInputStream(spill), 1 << 16)) {
        for (long i = 0; i < spilled; i++) {
          consumer.accept(in.readNBytes(frameSize));
        }
      }
      Files.delete(spill);
      spilled = 0;
    }
    memory.clear();
    memoryBytes = 0;
  }

  @Override
  public void close() throws IOException {
    if (spillOut != null) {
      spillOut.close();
    }
    Files.deleteIfExists(spill);
  }
}
