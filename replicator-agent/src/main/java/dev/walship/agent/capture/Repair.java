package dev.walship.agent.capture;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link Engine} does when the database and the captured history part (invariant 3 of its
 * design note): continue the generation with the WAL's next cycle, catch it up with the page
 * difference ({@link CatchUp}), or begin a new generation when the history cannot be trusted. Each
 * method that changes the history returns the story it logged (shown in capture's status); the
 * engine then re-anchors and prunes. Runs on the capture thread, like the engine.
 */
final class Repair {
  private static final Logger LOG = LoggerFactory.getLogger(Repair.class);

  private final Path db;
  private final Path wal;
  private final MetaDir meta;
  private final CaptureSettings settings;
  private final Clock clock;
  private final RandomGenerator random;
  private final History history;

  Repair(
      Path db,
      MetaDir meta,
      CaptureSettings settings,
      Clock clock,
      RandomGenerator random,
      History history) {
    this.db = db;
    this.wal = LiveWal.pathOf(db);
    this.meta = meta;
    this.settings = settings;
    this.clock = clock;
    this.random = random;
    this.history = history;
  }

  /**
   * After a {@link Discontinuity} while attached: a new generation when it says the history is lost
   * (or there is no page image to check against), otherwise what {@link Continuity} finds.
   *
   * @return the story of a generation begun or caught up; null when the history simply goes on
   */
  String recover(Attachment at, Discontinuity d) throws IOException, SQLException {
    if (d.lost() || history.image() == null) {
      return newGeneration(at, d.getMessage());
    }
    LOG.info("{}: {}; checking the database against the captured history", db, d.getMessage());
    Continuity.Outcome o = Continuity.check(at.file(), wal, history.image(), history.shadow());
    return o instanceof Continuity.Same ? null : settle(at, o, d.getMessage() + "; ");
  }

  /**
   * Acts on a verdict other than {@link Continuity.Same}; {@code cause} prefixes the reason.
   *
   * @return the story of a generation begun or caught up; null when the WAL's next cycle continues
   */
  String settle(Attachment at, Continuity.Outcome o, String cause)
      throws IOException, SQLException {
    if (o instanceof Continuity.Next n) {
      history.continueWith(n.cycle());
      LOG.info(
          "{}: the WAL's new cycle continues generation {} as index {} (database verified)",
          db,
          history.generation(),
          history.index());
      return null;
    }
    if (o instanceof Continuity.Moved m) {
      return catchUp(at, cause + m.reason());
    }
    if (o instanceof Continuity.Lost l) {
      return newGeneration(at, cause + l.reason());
    }
    throw new IllegalArgumentException("not a verdict to act on: " + o);
  }

  /**
   * Continues the generation with the page difference ({@link CatchUp}), unless the history cannot
   * be trusted for it: then a new generation starts.
   */
  private String catchUp(Attachment at, String reason) throws IOException, SQLException {
    String distrust = distrust(at);
    if (distrust != null) {
      return newGeneration(at, reason + "; " + distrust);
    }
    Position from = history.end();
    CatchUp.Result r =
        new CatchUp(
                at.sql(), at.mark(), at.walIndex(), at.file(), wal, clock, settings.busyTimeout())
            .run(history.image(), history.shadow(), history.catchUpFile(), random);
    if (r == null) {
      throw new IOException(
          "capture of "
              + db
              + " must catch up ("
              + reason
              + ") but the write lock stayed busy for "
              + settings.busyTimeout()
              + "; retrying");
    }
    history.caughtUp(r);
    String story =
        "generation "
            + history.generation()
            + " caught up: "
            + (r.index() == null
                ? "no page differs from"
                : "index "
                    + (history.index() - 1)
                    + " carries the "
                    + r.changed()
                    + " page(s) of "
                    + r.image().pageCount()
                    + " that differ from")
            + " the history's end "
            + from
            + " to reach "
            + r.target()
            + " ("
            + reason
            + ")";
    LOG.warn("{}: {}", db, story);
    return story;
  }

  /** Why the history cannot be caught up, or null when it can. */
  private String distrust(Attachment at) throws IOException, SQLException {
    int unknown = history.image().firstUnknown();
    if (unknown != 0) {
      return "the page image of the captured history misses page " + unknown;
    }
    return at.identity().differsFrom(meta.readIdentity(history.generation()));
  }

  /** Records the identity of a generation begun before identities were kept. */
  void recordIdentityIfMissing(Attachment at) throws IOException, SQLException {
    Generation g = history.generation();
    if (g != null && meta.readIdentity(g) == null) {
      meta.writeIdentity(g, at.identity());
    }
  }

  /** Begins a new generation for {@code reason}; returns its story. */
  String newGeneration(Attachment at, String reason) throws IOException, SQLException {
    Generation g = Generation.random(random);
    String story = "generation " + g + " started: " + reason;
    LOG.warn("{}: {}", db, story);
    DatabaseIdentity id = at.identity();
    for (int attempt = 1; attempt <= 5; attempt++) {
      meta.createGeneration(g);
      meta.writeIdentity(g, id);
      if (history.begin(g)) {
        return story;
      }
      meta.deleteGeneration(g);
    }
    throw new IOException(
        "the WAL of " + db + " kept restarting while capture began generation " + g);
  }
}
