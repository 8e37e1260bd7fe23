package dev.walship.agent.replicate;

import dev.walship.agent.capture.ShadowLog;
import dev.walship.agent.config.DbConfig;
import dev.walship.agent.ship.FakeShadowLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A capture engine for replication tests of the wiring: a {@link FakeShadowLog} that a thread feeds
 * from the database's real WAL every few milliseconds (autocheckpoint must be off).
 */
final class FakeCapture implements Capture {
  /** Every capture started, by database path. */
  static final Map<String, FakeCapture> STARTED = new ConcurrentHashMap<>();

  static final Capture.Factory FACTORY =
      db -> {
        FakeCapture c = new FakeCapture(db);
        STARTED.put(db.path().toString(), c);
        return c;
      };

  final FakeShadowLog log;
  private final Thread thread;
  private volatile boolean running = true;
  volatile boolean finished;
  volatile boolean closed;

  private final java.nio.file.Path spool;

  private FakeCapture(DbConfig db) {
    this.spool = db.metaPath().resolve("spool");
    this.log = new FakeShadowLog(db.path(), new SplittableRandom(db.path().hashCode()));
    this.thread =
        new Thread(
            () -> {
              while (running) {
                try {
                  log.capture();
                  Thread.sleep(2);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "fake-capture");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public ShadowLog log() {
    return log;
  }

  /** The fake captures what the WAL holds from its first loop on; its log is consistent at once. */
  @Override
  public boolean started() {
    return true;
  }

  @Override
  public java.nio.file.Path spoolDir() throws IOException {
    return Captures.cleanSpool(spool);
  }

  @Override
  public void finish() throws IOException {
    running = false;
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.capture();
    finished = true;
  }

  @Override
  public void close() {
    running = false;
    closed = true;
  }
}
