package dev.walship.server.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * The channel behind a handle open for writing: the staged upload's temporary file, with three
 * guards MINA's SFTP server does not have. A write is written whole (MINA writes once and ignores a
 * short count, so a filling disk silently lost bytes); bytes written past the end count against the
 * user's quota first; and a failed write (disk full, quota) fails every later write and the close,
 * so a partial file is never published.
 */
final class GuardedChannel extends FileChannel {
  private final FileChannel inner;
  private final StagedUpload upload;
  private final Usage usage;
  private final DiskSpace disk;
  private long counted;
  private volatile String failure;
  private volatile Set<PosixFilePermission> mode;

  /**
   * @param counted the temporary file's size, already counted against the quota
   * @param mode the permissions the published file gets
   */
  GuardedChannel(
      FileChannel inner,
      StagedUpload upload,
      long counted,
      Set<PosixFilePermission> mode,
      Usage usage,
      DiskSpace disk) {
    this.inner = inner;
    this.upload = upload;
    this.counted = counted;
    this.mode = mode;
    this.usage = usage;
    this.disk = disk;
  }

  StagedUpload upload() {
    return upload;
  }

  /** The permissions the published file gets. */
  Set<PosixFilePermission> mode() {
    return mode;
  }

  /** A chmod of the open upload: applies when it is published. */
  void mode(Set<PosixFilePermission> newMode) {
    mode = newMode;
  }

  /** Why a write failed, or null. */
  String failure() {
    return failure;
  }

  /** The bytes counted against the quota for the temporary file. */
  synchronized long counted() {
    return counted;
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    if (failure != null) {
      throw StorageRefusal.discarded(failure);
    }
    int n = src.remaining();
    grow(position + n);
    int done = 0;
    try {
      while (done < n) {
        done += inner.write(src, position + done);
      }
    } catch (IOException e) {
      IOException t = disk.failed(e, upload.temporary().getParent(), upload.target());
      failure = t.getMessage();
      throw t;
    }
    return n;
  }

  private synchronized void grow(long end) throws StorageRefusal {
    if (end > counted) {
      try {
        usage.add(end - counted);
      } catch (StorageRefusal q) {
        failure = q.getMessage();
        throw q;
      }
      counted = end;
    }
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    long at = inner.position();
    int n = write(src, at);
    inner.position(at + n);
    return n;
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    long n = 0;
    for (int i = offset; i < offset + length; i++) {
      n += write(srcs[i]);
    }
    return n;
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    inner.truncate(size);
    synchronized (this) {
      if (size < counted) {
        usage.release(counted - size);
        counted = size;
      }
    }
    return this;
  }

  @Override
  public void force(boolean metaData) throws IOException {
    try {
      inner.force(metaData);
    } catch (IOException e) {
      IOException t = disk.failed(e, upload.temporary().getParent(), upload.target());
      failure = t.getMessage();
      throw t;
    }
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return inner.read(dst);
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    return inner.read(dsts, offset, length);
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    return inner.read(dst, position);
  }

  @Override
  public long position() throws IOException {
    return inner.position();
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    inner.position(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    return inner.size();
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
    return inner.transferTo(position, count, target);
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
    throw new IOException("server-side copies are not offered");
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    throw new IOException("memory mapping is not offered");
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) throws IOException {
    return inner.lock(position, size, shared);
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    return inner.tryLock(position, size, shared);
  }

  @Override
  protected void implCloseChannel() throws IOException {
    inner.close();
  }
}
