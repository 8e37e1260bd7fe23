package dev.walship.agent.work;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DirectoryEvents} from Linux's inotify(7), read on the caller's thread through JNA. The
 * JDK's watch service reads inotify on a poller thread of its own and hands each batch to the
 * thread that takes it: one more thread woken per commit, which this saves.
 *
 * <p>Design note. The watch thread blocks in poll(2) on the inotify descriptor and an eventfd;
 * {@link #close} writes the eventfd, so the thread wakes, sees {@code closed} and closes both
 * descriptors itself (closing a descriptor another thread polls is not safe). A key is the watch
 * descriptor: inotify gives the same one for the same directory, and IN_IGNORED ends it (the
 * directory was deleted, or {@link #remove} was called). The mask is the JDK's: entry created,
 * moved in, modified, attributes changed, deleted, moved out.
 */
final class Inotify implements DirectoryEvents {
  private static final Logger LOG = LoggerFactory.getLogger(Inotify.class);

  private static final int IN_MODIFY = 0x2;
  private static final int IN_ATTRIB = 0x4;
  private static final int IN_MOVED_FROM = 0x40;
  private static final int IN_MOVED_TO = 0x80;
  private static final int IN_CREATE = 0x100;
  private static final int IN_DELETE = 0x200;
  private static final int IN_Q_OVERFLOW = 0x4000;
  private static final int IN_IGNORED = 0x8000;
  private static final int IN_ONLYDIR = 0x1000000;
  private static final int MASK =
      IN_MODIFY | IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_ONLYDIR;
  private static final int NONBLOCK_CLOEXEC = 0x800 | 0x80000; // IN_/EFD_ NONBLOCK | CLOEXEC
  private static final short POLLIN = 1;
  private static final int EAGAIN = 11;
  private static final int EINTR = 4;
  private static final int BUFFER = 64 * 1024;

  private static final boolean LOADED = load();

  /** How the JDK encodes file names (what {@link Path#toString} and listeners' names decode). */
  private static final Charset NAMES = namesCharset();

  private final int fd;
  private final int wake;
  private final Memory buffer = new Memory(BUFFER);
  private final Memory pollFds = new Memory(16);
  private final Set<Integer> watched = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private boolean released;

  private Inotify(int fd, int wake) {
    this.fd = fd;
    this.wake = wake;
    pollFds.clear();
    pollFds.setInt(0, fd);
    pollFds.setShort(4, POLLIN);
    pollFds.setInt(8, wake);
    pollFds.setShort(12, POLLIN);
  }

  private static boolean load() {
    if (!Platform.isLinux()) {
      return false;
    }
    try {
      Native.register(Inotify.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
      return true;
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      LOG.info("inotify through JNA unavailable, using the JDK's watch service: {}", e.toString());
      return false;
    }
  }

  private static Charset namesCharset() {
    try {
      return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
    } catch (IllegalArgumentException e) {
      return StandardCharsets.UTF_8;
    }
  }

  /** A new inotify instance, or null where JNA or inotify cannot be had. */
  static Inotify tryOpen() throws IOException {
    if (!LOADED) {
      return null;
    }
    int fd;
    try {
      fd = inotify_init1(NONBLOCK_CLOEXEC);
    } catch (LastErrorException e) {
      throw new IOException("cannot start file events: inotify_init1: " + problem(e), e);
    }
    try {
      return new Inotify(fd, eventfd(0, NONBLOCK_CLOEXEC));
    } catch (LastErrorException e) {
      close(fd);
      throw new IOException("cannot start file events: eventfd: " + problem(e), e);
    }
  }

  @Override
  public Object add(Path dir) throws IOException {
    try {
      byte[] name = dir.toString().getBytes(NAMES);
      int wd = inotify_add_watch(fd, Arrays.copyOf(name, name.length + 1), MASK);
      watched.add(wd);
      return wd;
    } catch (LastErrorException e) {
      throw new IOException("cannot watch " + dir + ": inotify_add_watch: " + problem(e), e);
    }
  }

  @Override
  public void remove(Object key) {
    if (watched.remove((Integer) key)) {
      try {
        inotify_rm_watch(fd, (Integer) key);
      } catch (LastErrorException gone) {
        // the directory went away meanwhile: its IN_IGNORED is on the way
      }
    }
  }

  /**
   * Waits until inotify has events, then delivers them. It polls before it reads: a read of an
   * empty queue fails with EAGAIN, which JNA turns into an exception with a formatted message and a
   * stack trace, and after each delivery the queue is usually empty (that path was about a third of
   * this thread's CPU at 500 commits a second).
   */
  @Override
  public boolean await(Sink sink) throws IOException {
    while (!closed) {
      try {
        poll(pollFds, 2, -1);
      } catch (LastErrorException e) {
        if (e.getErrorCode() != EINTR) {
          throw new IOException("poll on inotify: " + problem(e), e);
        }
      }
      if (!closed && pollFds.getShort(6) != 0) { // revents of the inotify fd
        int n = read();
        if (n > 0) {
          deliver(n, sink);
          return true;
        }
      }
    }
    release();
    return false;
  }

  /** Reads what is queued without blocking: the bytes read, 0 when nothing is. */
  private int read() throws IOException {
    try {
      return (int) read(fd, buffer, BUFFER);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == EAGAIN || e.getErrorCode() == EINTR) {
        return 0;
      }
      throw new IOException("read of inotify: " + problem(e), e);
    }
  }

  /** What a failed call's errno means, with the limit to raise where one was reached. */
  static String problem(LastErrorException e) {
    return switch (e.getErrorCode()) {
      case 2 -> "no such directory (ENOENT)";
      case 13 -> "permission denied (EACCES)";
      case 20 -> "not a directory (ENOTDIR)";
      case 24 ->
          "too many open files or inotify instances (EMFILE; see ulimit -n and sysctl"
              + " fs.inotify.max_user_instances)";
      case 28 ->
          "the user's inotify watches are used up (ENOSPC; raise sysctl fs.inotify.max_user_watches)";
      default -> "errno " + e.getErrorCode();
    };
  }

  /** Delivers the events in the first {@code n} bytes of the buffer, grouped by directory. */
  private void deliver(int n, Sink sink) {
    Map<Integer, Set<String>> names = new LinkedHashMap<>();
    Set<Integer> gone = new HashSet<>();
    boolean overflow = false;
    for (int at = 0; at < n; ) {
      int wd = buffer.getInt(at);
      int mask = buffer.getInt(at + 4);
      int len = buffer.getInt(at + 12);
      if ((mask & IN_Q_OVERFLOW) != 0) {
        overflow = true;
      } else if ((mask & IN_IGNORED) != 0) {
        gone.add(wd);
      } else if (len > 0) {
        names.computeIfAbsent(wd, k -> new LinkedHashSet<>()).add(name(at + 16, len));
      }
      at += 16 + len;
    }
    if (overflow) {
      for (Integer wd : watched) {
        names.computeIfAbsent(wd, k -> new LinkedHashSet<>()).add(null);
      }
    }
    names.forEach((wd, changed) -> sink.changed(wd, changed));
    for (Integer wd : gone) {
      if (watched.remove(wd)) {
        sink.gone(wd);
      }
    }
  }

  /** The NUL-padded file name of {@code len} bytes at {@code at}. */
  private String name(int at, int len) {
    byte[] b = buffer.getByteArray(at, len);
    int end = 0;
    while (end < len && b[end] != 0) {
      end++;
    }
    return new String(b, 0, end, NAMES);
  }

  @Override
  public synchronized void close() {
    if (released) {
      return;
    }
    closed = true;
    Memory one = new Memory(8);
    one.setLong(0, 1);
    try {
      write(wake, one, 8);
    } catch (LastErrorException e) {
      // the counter is already non-zero: the thread wakes either way
    }
  }

  private synchronized void release() {
    if (!released) {
      released = true;
      close(fd);
      close(wake);
    }
  }

  private static native int inotify_init1(int flags) throws LastErrorException;

  private static native int inotify_add_watch(int fd, byte[] path, int mask)
      throws LastErrorException;

  private static native int inotify_rm_watch(int fd, int wd) throws LastErrorException;

  private static native int eventfd(int initval, int flags) throws LastErrorException;

  private static native long read(int fd, Pointer buf, long count) throws LastErrorException;

  private static native long write(int fd, Pointer buf, long count) throws LastErrorException;

  private static native int poll(Pointer fds, long nfds, int timeout) throws LastErrorException;

  private static native int close(int fd);
}
