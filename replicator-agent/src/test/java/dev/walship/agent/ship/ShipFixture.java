package dev.walship.agent.ship;

import dev.walship.format.store.FileReplicaStore;
import dev.walship.testing.FixedRandom;
import dev.walship.toolkit.time.Ticker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real database, the fake capture fed from its WAL, a file replica and a manual clock. */
final class ShipFixture implements AutoCloseable {
  static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");

  final Path dir;
  final TestDb db;
  final FakeShadowLog log;
  final Path replicaRoot;
  final FileReplicaStore files;
  final SwitchableStore store;
  final ManualClock clock = new ManualClock(T0);
  final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  ShipFixture(Path dir) throws Exception {
    this.dir = dir;
    this.db = new TestDb(dir.resolve("app.db"));
    this.log = new FakeShadowLog(db.path, new SplittableRandom(42));
    this.replicaRoot = dir.resolve("replica");
    this.files = new FileReplicaStore(replicaRoot);
    this.store = new SwitchableStore(files);
    Files.createDirectories(dir.resolve("spool"));
  }

  ShipEnvironment env() {
    return new ShipEnvironment(
        clock,
        Ticker.SYSTEM,
        new FixedRandom(0.5),
        d -> {
          sleeps.add(d);
          Thread.sleep(1);
        },
        dir.resolve("spool"));
  }

  Shipper shipper(ShipSettings settings) {
    return new Shipper("app.db", "r", store, log, settings, env());
  }

  Shipper shipper() {
    return shipper(ShipSettings.DEFAULTS);
  }

  /** Steps until the shipper has nothing to do; returns how many steps did something. */
  static int drain(Shipper s) throws Exception {
    int n = 0;
    for (int i = 0; i < 1000; i++) {
      Shipper.Wait w = s.step();
      if (!w.none()) {
        return n;
      }
      n++;
    }
    throw new AssertionError("shipper never went idle");
  }

  @Override
  public void close() throws Exception {
    db.close();
  }
}
