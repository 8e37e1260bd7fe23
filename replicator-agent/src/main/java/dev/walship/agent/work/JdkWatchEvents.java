package dev.walship.agent.work;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.LinkedHashSet;
import java.util.Set;

/** {@link DirectoryEvents} through the JDK's {@link WatchService} (where inotify is missing). */
final class JdkWatchEvents implements DirectoryEvents {
  private final WatchService service;

  private JdkWatchEvents(WatchService service) {
    this.service = service;
  }

  static JdkWatchEvents open() throws IOException {
    return new JdkWatchEvents(FileSystems.getDefault().newWatchService());
  }

  @Override
  public Object add(Path dir) throws IOException {
    return dir.register(
        service,
        StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_MODIFY,
        StandardWatchEventKinds.ENTRY_DELETE);
  }

  @Override
  public void remove(Object key) {
    ((WatchKey) key).cancel();
  }

  @Override
  public boolean await(Sink sink) throws InterruptedException {
    WatchKey key;
    try {
      key = service.take();
    } catch (ClosedWatchServiceException closed) {
      return false;
    }
    Set<String> names = new LinkedHashSet<>(); // a commit's writes come as several events
    for (WatchEvent<?> e : key.pollEvents()) {
      names.add(e.kind() == StandardWatchEventKinds.OVERFLOW ? null : String.valueOf(e.context()));
    }
    if (!names.isEmpty()) {
      sink.changed(key, names);
    }
    if (!key.reset()) {
      sink.gone(key);
    }
    return true;
  }

  @Override
  public void close() {
    try {
      service.close();
    } catch (IOException ignored) {
      // take() ends either way
    }
  }
}
