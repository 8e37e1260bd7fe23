package dev.walship.agent.ship;

import dev.walship.format.layout.LayoutFile;
import dev.walship.format.store.ContentWriter;
import dev.walship.format.store.Entry;
import dev.walship.format.store.ReplicaStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A replica store that can be switched off: while {@link #down} is set every call fails as an
 * unreachable server would; while {@link #writeRefusal} is set only writes fail, as on a server
 * whose disk is full. Counts writes. Wraps a real store.
 */
public final class SwitchableStore implements ReplicaStore {
  private final ReplicaStore real;
  public volatile boolean down;

  /** When set, every write fails with this message (the server answers, but refuses to store). */
  public volatile String writeRefusal;

  /** Paths the server refuses to delete or replace (replica-server's immutable-for). */
  public volatile Predicate<String> keeps = p -> false;

  public final AtomicInteger writes = new AtomicInteger();
  public final AtomicInteger failures = new AtomicInteger();

  public SwitchableStore(ReplicaStore real) {
    this.real = real;
  }

  private void check() throws IOException {
    if (down) {
      failures.incrementAndGet();
      throw new ConnectException("Connection refused (test: replica switched off)");
    }
  }

  @Override
  public String location() {
    return real.location();
  }

  @Override
  public List<Entry> list(String dir) throws IOException {
    check();
    return real.list(dir);
  }

  @Override
  public InputStream open(String path) throws IOException {
    check();
    return real.open(path);
  }

  @Override
  public Entry write(LayoutFile file, Instant modified, ContentWriter content) throws IOException {
    check();
    if (keeps.test(file.path())
        && !real.list(file.directory()).stream().noneMatch(e -> e.name().equals(file.fileName()))) {
      throw new AccessDeniedException(
          location() + "/" + file.path(),
          null,
          "write: permission denied by the server (immutable)");
    }
    if (writeRefusal != null) {
      failures.incrementAndGet();
      throw new IOException(location() + "/" + file.path() + ": write: " + writeRefusal);
    }
    writes.incrementAndGet();
    return real.write(file, modified, content);
  }

  @Override
  public void delete(String path) throws IOException {
    check();
    if (keeps.test(path)) {
      throw new AccessDeniedException(
          location() + "/" + path, null, "delete: permission denied by the server (immutable)");
    }
    real.delete(path);
  }
}
