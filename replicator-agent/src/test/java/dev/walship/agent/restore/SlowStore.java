package dev.walship.agent.restore;

import dev.walship.format.layout.LayoutFile;
import dev.walship.format.store.ContentWriter;
import dev.walship.format.store.Entry;
import dev.walship.format.store.ReplicaStore;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A hand-written fake: a real store whose opens take {@code delay}, like a slow network. */
final class SlowStore implements ReplicaStore {
  private final ReplicaStore store;
  private final Duration delay;

  SlowStore(ReplicaStore store, Duration delay) {
    this.store = store;
    this.delay = delay;
  }

  @Override
  public String location() {
    return store.location();
  }

  @Override
  public List<Entry> list(String dir) throws IOException {
    return store.list(dir);
  }

  @Override
  public InputStream open(String path) throws IOException {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return store.open(path);
  }

  @Override
  public Entry write(LayoutFile file, Instant modified, ContentWriter content) throws IOException {
    return store.write(file, modified, content);
  }

  @Override
  public void delete(String path) throws IOException {
    store.delete(path);
  }
}
