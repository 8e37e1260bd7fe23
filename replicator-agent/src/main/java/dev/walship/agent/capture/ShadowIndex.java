package dev.walship.agent.capture;

import dev.walship.format.wal.WalChecksum;
import dev.walship.format.wal.WalHeader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The shadow WAL of one index: a byte-exact copy of one WAL cycle from its header to a commit
 * frame. Bytes are written past the published length first and become part of the index only in
 * {@link #publish}; a crash can therefore leave an unpublished tail, which {@link #recover} cuts
 * back to the last valid commit frame. Single writer (the capture thread).
 *
 * <p>Design note — durability. {@link #publish} does not fsync: published bytes are in the page
 * cache, which survives a crash of the process (SIGKILL), not one of the operating system. {@link
 * #sync} makes the published content durable (and, once, the file's directory entry); {@link
 * History} calls it before the WAL can restart (the only moment the copied frames vanish from the
 * live WAL), before a page image names a position, for a snapshot, at a clean stop, and otherwise
 * at most once per {@link History#SYNC_INTERVAL}. What an operating-system crash can lose is
 * therefore only a tail of the current index that the live WAL still holds, or that SQLite lost
 * from the WAL as well (the application writes it with {@code synchronous=NORMAL}): see {@link
 * History}.
 */
final class ShadowIndex implements AutoCloseable {
  private final Path file;
  private final FileChannel channel;
  private final WalHeader header;
  private long length;
  private WalChecksum checksum;

  /** The end of what was written to the file (published or not). */
  private long written;

  /** The published length known to be on disk. */
  private long synced;

  private boolean directorySynced;

  /** When the oldest publish not yet synced happened (clock millis). */
  private long unsyncedSince;

  private ShadowIndex(
      Path file,
      FileChannel channel,
      WalHeader header,
      long length,
      WalChecksum checksum,
      long written) {
    this.file = file;
    this.channel = channel;
    this.header = header;
    this.length = length;
    this.checksum = checksum;
    this.written = written;
  }

  /** Starts an index with {@code header}; nothing is published until frames are. */
  static ShadowIndex create(Path file, WalHeader header) throws IOException {
    FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    ByteBuffer b = ByteBuffer.wrap(header.toBytes());
    while (b.hasRemaining()) {
      ch.write(b, b.position());
    }
    return new ShadowIndex(file, ch, header, 0, header.checksum(), WalHeader.SIZE);
  }

  /** A new index and the committed frames copied into it (not yet published). */
  record Copy(ShadowIndex index, FrameRun.Result run) {}

  /**
   * Starts the index {@code file} with the WAL cycle {@code header} of {@code wal} and copies its
   * committed frames; null (and no file) when the cycle holds no commit yet.
   */
  static Copy copy(Path file, FileChannel wal, WalHeader header) throws IOException {
    Files.deleteIfExists(file);
    ShadowIndex s = create(file, header);
    FrameRun.Result run;
    try {
      run = FrameRun.fromStart(wal, header, s::write);
    } catch (IOException | RuntimeException e) {
      s.close();
      Files.deleteIfExists(file);
      throw e;
    }
    if (run.frames() == 0) {
      s.close();
      Files.deleteIfExists(file);
      return null;
    }
    return new Copy(s, run);
  }

  /**
   * Opens an index left by an earlier run: keeps its valid frames up to the last commit frame and
   * cuts off anything after them. Returns null (and deletes the file) when it holds no committed
   * frame.
   */
  static ShadowIndex recover(Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      byte[] h = new byte[WalHeader.SIZE];
      WalHeader header = null;
      if (FrameRun.readFully(ch, ByteBuffer.wrap(h), 0) == h.length) {
        try {
          header = WalHeader.parse(h, 0);
        } catch (IOException notAHeader) {
          header = null;
        }
      }
      FrameRun.Result run = header == null ? null : FrameRun.fromStart(ch, header, null);
      if (run == null || run.frames() == 0) {
        ch.close();
        Files.deleteIfExists(file);
        return null;
      }
      if (ch.size() > run.end()) {
        ch.truncate(run.end());
        ch.force(true);
      }
      // an earlier process may have died before syncing: the next sync forces file and directory
      return new ShadowIndex(file, ch, header, run.end(), run.checksum(), run.end());
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  Path file() {
    return file;
  }

  WalHeader header() {
    return header;
  }

  /** The published length (durable only up to {@link #synced()}). 0 until the first publish. */
  long length() {
    return length;
  }

  /** The published length known to be on disk (after {@link #sync}). */
  long synced() {
    return synced;
  }

  /** The chain checksum at {@link #length()} (the header's before the first frame). */
  WalChecksum checksum() {
    return checksum;
  }

  /** Writes frame bytes at {@code offset} (at or past the published length). */
  void write(long offset, byte[] b, int off, int len) throws IOException {
    if (offset < Math.max(length, WalHeader.SIZE)) {
      throw new IllegalStateException("write at " + offset + " below published " + length);
    }
    ByteBuffer buf = ByteBuffer.wrap(b, off, len);
    long pos = offset;
    written = Math.max(written, offset + len);
    while (buf.hasRemaining()) {
      pos += channel.write(buf, pos);
    }
  }

  /**
   * Cuts anything past {@code end} and makes {@code [0, end)} the published content (no fsync).
   * {@code nowMillis} dates the first publish after a sync, for {@link #syncDue}.
   */
  void publish(long end, WalChecksum endChecksum, long nowMillis) throws IOException {
    if (synced == length) {
      unsyncedSince = nowMillis;
    }
    if (written > end) {
      channel.truncate(end);
      written = end;
    }
    length = end;
    checksum = endChecksum;
  }

  /** Makes the published content durable: fdatasync, and the directory entry the first time. */
  void sync() throws IOException {
    if (synced < length) {
      channel.force(false);
      synced = length;
    }
    if (!directorySynced && length > 0) {
      MetaDir.forceDirectory(file.getParent());
      directorySynced = true;
    }
  }

  /** True when published content has waited {@code maxMillis} or longer for a sync. */
  boolean syncDue(long nowMillis, long maxMillis) {
    return untilSyncDue(nowMillis, maxMillis) == 0;
  }

  /** Milliseconds until a sync is due (0: now; {@link Long#MAX_VALUE}: all is synced). */
  long untilSyncDue(long nowMillis, long maxMillis) {
    return synced < length ? Math.max(0, unsyncedSince + maxMillis - nowMillis) : Long.MAX_VALUE;
  }

  /** Drops unpublished bytes (after a failed write). */
  void discardTail() throws IOException {
    long keep = Math.max(length, WalHeader.SIZE);
    if (written > keep || channel.size() > keep) {
      channel.truncate(keep);
      written = keep;
    }
  }

  /** Reads bytes of the published content, for checks. */
  int read(ByteBuffer dst, long pos) throws IOException {
    return FrameRun.readFully(channel, dst, pos);
  }

  FileChannel channel() {
    return channel;
  }

  /** Where a page image taken at the published end of this index (of {@code g}) stands. */
  PageImage.Head head(dev.walship.format.layout.Generation g, int index) {
    return new PageImage.Head(g, index, length, header.salt1(), header.salt2(), checksum);
  }

  /** Closes {@code s} if it is not null, ignoring errors (it is reopened from disk when needed). */
  static void closeQuietly(ShadowIndex s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // nothing was pending: published bytes are written already
      }
    }
  }

  /**
   * Streams {@code [from, to)} of an index file (its own descriptor, so pruning cannot cut it
   * short).
   */
  static InputStream stream(Path file, long from, long to) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    if (ch.size() < to) {
      long size = ch.size();
      ch.close();
      throw new IOException(file + " holds " + size + " bytes, " + to + " requested");
    }
    ch.position(from);
    return new BoundedInput(Channels.newInputStream(ch), to - from);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
