package dev.walship.agent.work;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * The operating system's directory-change events, as {@link FileWatches} reads them on its own
 * thread: {@link Inotify} on Linux, the JDK's {@link java.nio.file.WatchService} elsewhere.
 */
interface DirectoryEvents extends AutoCloseable {
  /** What {@link #await} delivers. */
  interface Sink {
    /**
     * Entries of directory {@code key} were created, modified or deleted: their names, and null
     * when events were lost (a queue overflow).
     */
    void changed(Object key, Set<String> names);

    /** Directory {@code key} is no longer watched (it was deleted or moved): no more events. */
    void gone(Object key);
  }

  /**
   * Starts watching {@code dir} (an absolute, normalized path); returns its key, the same one for
   * the same directory while it is watched.
   */
  Object add(Path dir) throws IOException;

  /** Stops watching the directory of {@code key} (nothing if it is gone already). */
  void remove(Object key);

  /**
   * Waits for events and delivers them to {@code sink} on the calling thread.
   *
   * @return false once {@link #close} was called: the caller's loop ends
   */
  boolean await(Sink sink) throws IOException, InterruptedException;

  /** Ends {@link #await}, now or at its next call, and releases the instance. */
  @Override
  void close();

  /** Inotify where it can be loaded, else the JDK's watch service. */
  static DirectoryEvents open() throws IOException {
    DirectoryEvents inotify = Inotify.tryOpen();
    return inotify != null ? inotify : JdkWatchEvents.open();
  }
}
