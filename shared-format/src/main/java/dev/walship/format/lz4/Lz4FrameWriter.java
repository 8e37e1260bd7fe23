package dev.walship.format.lz4;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.xxhash.StreamingXXHash32;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Writes one LZ4 frame per call with the layout's settings, byte for byte what {@link
 * Lz4#compressing} writes (lz4-java's {@code LZ4FrameOutputStream}: independent 4 MiB blocks, no
 * block checksum, content checksum), but reusing its buffers from frame to frame. {@code
 * LZ4FrameOutputStream} allocates and zeroes about 8 MiB per stream, which at a thousand small WAL
 * segments a second costs more than compressing them. Buffers here grow to the largest block seen
 * (at most 4 MiB plus the compression bound) and are kept.
 *
 * <p>Frame: magic {@code 04 22 4D 18}; FLG {@code 0x64} (version 01, independent blocks, content
 * checksum); BD {@code 0x70} (4 MiB blocks); header checksum (second byte of xxHash32 of FLG and
 * BD); blocks, each a little-endian length (high bit set: stored uncompressed, when compression
 * would not make it smaller) and its bytes; end mark {@code 0}; xxHash32 of the content.
 *
 * <p>Not thread-safe: one writer per thread.
 */
public final class Lz4FrameWriter {
  /** The largest block: 4 MiB. */
  public static final int BLOCK_SIZE = 4 << 20;

  private static final int FLG = 0x64;
  private static final int BD = 0x70;
  private static final int INCOMPRESSIBLE = 0x80000000;

  private final LZ4Compressor compressor = LZ4Factory.fastestInstance().fastCompressor();
  private final StreamingXXHash32 contentHash =
      XXHashFactory.fastestInstance().newStreamingHash32(0);
  private final byte[] header;
  private final byte[] word = new byte[4];
  private byte[] block = new byte[64 << 10];
  private byte[] compressed = new byte[compressor.maxCompressedLength(64 << 10)];

  public Lz4FrameWriter() {
    XXHash32 hash = XXHashFactory.fastestInstance().hash32();
    byte[] h = {Lz4.MAGIC[0], Lz4.MAGIC[1], Lz4.MAGIC[2], Lz4.MAGIC[3], (byte) FLG, (byte) BD, 0};
    h[6] = (byte) ((hash.hash(h, 4, 2, 0) >> 8) & 0xff);
    this.header = h;
  }

  /**
   * Compresses {@code in}, read to its end, into one frame on {@code out}. Neither stream is
   * closed.
   *
   * @return the uncompressed bytes read
   */
  public long write(InputStream in, OutputStream out) throws IOException {
    contentHash.reset();
    out.write(header);
    long total = 0;
    while (true) {
      int n = fill(in);
      if (n == 0) {
        break;
      }
      writeBlock(n, out);
      total += n;
      if (n < BLOCK_SIZE) {
        break; // the stream ended inside this block
      }
    }
    putInt(0, out);
    putInt(contentHash.getValue(), out);
    return total;
  }

  /** Compresses {@code data[off, off+len)} into one frame on {@code out}. */
  public void write(byte[] data, int off, int len, OutputStream out) throws IOException {
    write(new java.io.ByteArrayInputStream(data, off, len), out);
  }

  /** Reads up to one block into {@code block}, growing it as needed; returns the bytes read. */
  private int fill(InputStream in) throws IOException {
    int n = 0;
    while (true) {
      int r = in.read(block, n, block.length - n);
      if (r < 0) {
        return n;
      }
      n += r;
      if (n == block.length) {
        if (block.length == BLOCK_SIZE) {
          return n;
        }
        byte[] bigger = new byte[Math.min(BLOCK_SIZE, block.length * 4)];
        System.arraycopy(block, 0, bigger, 0, n);
        block = bigger;
      }
    }
  }

  private void writeBlock(int n, OutputStream out) throws IOException {
    contentHash.update(block, 0, n);
    int bound = compressor.maxCompressedLength(n);
    if (compressed.length < bound) {
      compressed = new byte[compressor.maxCompressedLength(block.length)];
    }
    int c = compressor.compress(block, 0, n, compressed, 0, compressed.length);
    if (c >= n) {
      putInt(n | INCOMPRESSIBLE, out);
      out.write(block, 0, n);
    } else {
      putInt(c, out);
      out.write(compressed, 0, c);
    }
  }

  private void putInt(int v, OutputStream out) throws IOException {
    word[0] = (byte) v;
    word[1] = (byte) (v >>> 8);
    word[2] = (byte) (v >>> 16);
    word[3] = (byte) (v >>> 24);
    out.write(word);
  }
}
