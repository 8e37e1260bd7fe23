package dev.walship.agent.replicate;

import dev.walship.agent.capture.CaptureSettings;
import dev.walship.agent.capture.CaptureStatus;
import dev.walship.agent.capture.DatabaseCapture;
import dev.walship.agent.capture.ShadowLog;
import dev.walship.agent.config.DbConfig;
import dev.walship.agent.work.FileWatches;
import dev.walship.agent.work.Workers;
import dev.walship.toolkit.time.Ticker;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.random.RandomGenerator;

/** The capture engine replication starts for each database: {@link DatabaseCapture}. */
final class Captures {
  /** What the config's "0: never" means to capture, which wants a positive interval. */
  static final Duration NEVER = Duration.ofDays(365L * 100);

  /** Where shippers spool snapshots before upload, inside capture's meta directory. */
  static final String SPOOL = "spool";

  private Captures() {}

  /** The settings capture gets from a config file's database. */
  static CaptureSettings settings(DbConfig db) {
    return new CaptureSettings(
        db.metaPath(),
        db.monitorInterval(),
        db.checkpointInterval().isZero() ? NEVER : db.checkpointInterval(),
        db.minCheckpointPageCount(),
        db.maxCheckpointPageCount() == 0 ? Integer.MAX_VALUE : db.maxCheckpointPageCount(),
        CaptureSettings.DEFAULTS.busyTimeout());
  }

  /**
   * Starts the real capture engine with this clock, ticker and randomness (new generation names),
   * as a job on {@code workers}, woken by {@code watches}.
   */
  static Capture.Factory real(
      Clock clock, Ticker ticker, RandomGenerator random, Workers workers, FileWatches watches) {
    return db -> {
      DatabaseCapture c = DatabaseCapture.open(db.path(), settings(db), clock, ticker, random);
      try {
        c.start(workers, watches);
      } catch (IOException | RuntimeException e) {
        c.close();
        throw e;
      }
      return new Capture() {
        @Override
        public ShadowLog log() {
          return c;
        }

        @Override
        public boolean started() {
          CaptureStatus.State s = c.status().state();
          // a capture whose first looks failed has captured nothing yet: not started
          return s != CaptureStatus.State.STARTING
              && !(s == CaptureStatus.State.FAILING && c.end() == null);
        }

        @Override
        public Path spoolDir() throws IOException {
          return cleanSpool(c.metaDir().resolve(SPOOL));
        }

        @Override
        public void finish() {
          c.finish(); // what is committed now; still attached, so a first snapshot can be taken
        }

        @Override
        public void close() {
          c.close();
        }
      };
    };
  }

  /**
   * Creates the spool directory, or empties it of what a killed agent left (capture's lock on the
   * meta directory guarantees no other agent uses it).
   */
  static Path cleanSpool(Path dir) throws IOException {
    Files.createDirectories(dir);
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        Files.deleteIfExists(p);
      }
    }
    return dir;
  }
}
