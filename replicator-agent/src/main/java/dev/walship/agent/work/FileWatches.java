package dev.walship.agent.work;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File-change events for any number of directories through one {@link DirectoryEvents} instance
 * (inotify on Linux, read on this class's own thread) and one thread: a JVM's watch service per
 * database would cost an inotify instance (the default limit per user is 128) and two threads each.
 * Listeners get the name of the entry that was created, modified or deleted, or null when events
 * were lost (a queue overflow): then they must look for themselves. Listeners run on the watch
 * thread and must be quick (wake a {@link Job}).
 *
 * <p>Events can be lost (overflow, some file systems); watchers must also look on a timer.
 */
public final class FileWatches implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FileWatches.class);

  private final DirectoryEvents events;
  private final Thread thread;
  private final Map<Path, Watched> dirs = new HashMap<>();
  private final Map<Object, Watched> byKey = new ConcurrentHashMap<>();

  /** A watched directory: listeners of every entry, and listeners of some entries by name. */
  private static final class Watched {
    final Object key;
    final List<Consumer<String>> all = new CopyOnWriteArrayList<>();
    final Map<String, List<Consumer<String>>> named = new ConcurrentHashMap<>();
    volatile boolean gone;

    Watched(Object key) {
      this.key = key;
    }

    boolean unused() {
      return all.isEmpty() && named.isEmpty();
    }

    /** The listeners of an event on {@code name} (null: events were lost, so every listener). */
    Set<Consumer<String>> of(String name) {
      Set<Consumer<String>> to = new LinkedHashSet<>(all);
      if (name == null) {
        named.values().forEach(to::addAll);
      } else {
        to.addAll(named.getOrDefault(name, List.of()));
      }
      return to;
    }
  }

  /**
   * A registration; closing it stops the events (the last one of a directory stops watching it).
   */
  public interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  private FileWatches(DirectoryEvents events, String name) {
    this.events = events;
    this.thread = new Thread(this::loop, name);
    thread.setDaemon(true);
  }

  /** Starts the watch thread, named {@code name}. */
  public static FileWatches start(String name) throws IOException {
    return start(DirectoryEvents.open(), name);
  }

  /** Starts the watch thread on {@code events} (tests choose the implementation). */
  static FileWatches start(DirectoryEvents events, String name) {
    FileWatches w = new FileWatches(events, name);
    w.thread.start();
    return w;
  }

  /**
   * Calls {@code listener} with the name of each entry of {@code dir} that is created, modified or
   * deleted (null: events were lost).
   */
  public Registration watch(Path dir, Consumer<String> listener) throws IOException {
    return register(dir, null, listener);
  }

  /**
   * Calls {@code listener} with the name of each of {@code names} in {@code dir} that is created,
   * modified or deleted (null: events were lost). Events on other entries cost it nothing: a
   * directory of many databases delivers each event to its database's listener only.
   */
  public Registration watch(Path dir, Set<String> names, Consumer<String> listener)
      throws IOException {
    return register(dir, Set.copyOf(names), listener);
  }

  private synchronized Registration register(Path dir, Set<String> names, Consumer<String> listener)
      throws IOException {
    Path d = dir.toAbsolutePath().normalize();
    Watched w = dirs.get(d);
    if (w == null || w.gone) {
      Object key = events.add(d);
      w = byKey.get(key); // the same directory under another path
      if (w == null) {
        w = new Watched(key);
        byKey.put(key, w);
      }
      dirs.put(d, w);
    }
    if (names == null) {
      w.all.add(listener);
    } else {
      for (String n : names) {
        w.named.computeIfAbsent(n, k -> new CopyOnWriteArrayList<>()).add(listener);
      }
    }
    Watched watched = w;
    return () -> unwatch(d, watched, names, listener);
  }

  private synchronized void unwatch(
      Path dir, Watched w, Set<String> names, Consumer<String> listener) {
    if (names == null) {
      w.all.remove(listener);
    } else {
      for (String n : names) {
        w.named.computeIfPresent(n, (k, l) -> l.remove(listener) && l.isEmpty() ? null : l);
      }
    }
    if (w.unused()) {
      dirs.values().removeIf(v -> v == w);
      if (byKey.remove(w.key, w)) {
        events.remove(w.key);
      }
    }
  }

  /** Directories watched now (for tests). */
  synchronized int directories() {
    return dirs.size();
  }

  private void loop() {
    DirectoryEvents.Sink sink =
        new DirectoryEvents.Sink() {
          @Override
          public void changed(Object key, Set<String> names) {
            Watched w = byKey.get(key);
            if (w != null) {
              deliver(w, names);
            }
          }

          @Override
          public void gone(Object key) {
            Watched w = byKey.remove(key);
            if (w != null) {
              w.gone = true;
            }
          }
        };
    try {
      while (events.await(sink)) {
        // each round delivered what had come
      }
    } catch (IOException e) {
      LOG.error("file events stopped; capture goes on looking on its timer", e);
    } catch (InterruptedException stop) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deliver(Watched w, Set<String> names) {
    for (String n : names) {
      for (Consumer<String> l : w.of(n)) {
        try {
          l.accept(n);
        } catch (RuntimeException e) {
          LOG.error("a file-event listener failed", e);
        }
      }
    }
  }

  @Override
  public void close() {
    events.close();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
