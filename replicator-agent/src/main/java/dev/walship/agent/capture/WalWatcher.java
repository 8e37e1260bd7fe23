package dev.walship.agent.capture;

import dev.walship.format.wal.SqliteFiles;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Set;

/**
 * Wakes capture when the database or its WAL changes, through the platform's file-change events
 * (inotify on Linux). Events can be lost (queue overflow, some file systems); capture also looks
 * every monitor interval.
 */
final class WalWatcher implements AutoCloseable {
  private final WatchService service;
  private final Thread thread;

  private WalWatcher(WatchService service, Set<String> names, Runnable wake, String threadName) {
    this.service = service;
    this.thread = new Thread(() -> loop(names, wake), threadName);
    thread.setDaemon(true);
  }

  /** Starts watching the directory of {@code db} for changes of {@code db} and {@code db-wal}. */
  static WalWatcher start(Path db, Runnable wake) throws IOException {
    Path dir = db.toAbsolutePath().getParent();
    WatchService ws = FileSystems.getDefault().newWatchService();
    try {
      dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
    } catch (IOException | RuntimeException e) {
      ws.close();
      throw e;
    }
    String name = db.getFileName().toString();
    WalWatcher w = new WalWatcher(ws, Set.of(name, SqliteFiles.walName(name)), wake, "walship-watch-" + name);
    w.thread.start();
    return w;
  }

  private void loop(Set<String> names, Runnable wake) {
    try {
      while (true) {
        WatchKey key = service.take();
        boolean relevant = false;
        for (WatchEvent<?> e : key.pollEvents()) {
          relevant |= e.kind() == StandardWatchEventKinds.OVERFLOW
              || names.contains(String.valueOf(e.context()));
        }
        key.reset();
        if (relevant) {
          wake.run();
        }
      }
    } catch (ClosedWatchServiceException | InterruptedException stop) {
      // closed
    }
  }

  @Override
  public void close() {
    try {
      service.close();
    } catch (IOException ignored) {
      // the watcher thread ends either way
    }
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
