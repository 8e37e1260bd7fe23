package dev.walship.agent.ship;

import dev.walship.agent.capture.ShadowLog;
import dev.walship.agent.capture.SnapshotLease;
import dev.walship.format.catalog.GenerationFiles;
import dev.walship.format.catalog.ReplicaCatalog;
import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.layout.WalSegmentName;
import dev.walship.format.store.Entry;
import dev.walship.format.store.ReplicaStore;
import dev.walship.format.store.SnapshotInfo;
import dev.walship.format.store.WalSegmentInfo;
import dev.walship.toolkit.time.Ticker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one replica stands and how it moves forward: recovery of the position from the replica, WAL
 * segments, snapshots. Used by one thread only.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>{@code pos} is where the replica's WAL of {@code generation} ends, proven by listing the
 *       replica and checking its last segment against the shadow ({@link TailCheck}), then advanced
 *       only by segments this cursor wrote. Null with a known generation: a snapshot must come
 *       first. Unknown generation: recover before anything else.
 *   <li>A segment is the shadow bytes {@code [pos, end of pos's index)}: one index, contiguous with
 *       what is there, ending at a commit frame (the shadow holds nothing else).
 *   <li>Shipping never starts below the lowest snapshot of the generation on the replica: segments
 *       no snapshot precedes could never be restored.
 *   <li>Only content that provably does not continue the shadow is deleted or replaced; transport
 *       errors propagate and leave the position unknown, to be recovered again.
 * </ul>
 */
final class ReplicaCursor {
  private static final Logger LOG = LoggerFactory.getLogger(Shipper.class);

  private final String label;
  private final String replica;
  private final ReplicaStore store;
  private final ShadowLog log;
  private final MtimeClock mtimes;
  private final InstantSource clock;
  private final Ticker ticker;
  private final ShipperStats stats;
  private final Path spoolDir;
  private final SegmentEncoder encoder = new SegmentEncoder();

  private Generation generation;
  private Position pos;
  private Position anchor;
  private Integer firstSnapshot;
  private Instant lastSnapshot;

  ReplicaCursor(
      String label,
      String replica,
      ReplicaStore store,
      ShadowLog log,
      InstantSource clock,
      Ticker ticker,
      ShipperStats stats,
      Path spoolDir) {
    this.label = label;
    this.replica = replica;
    this.store = store;
    this.log = log;
    this.clock = clock;
    this.ticker = ticker;
    this.mtimes = new MtimeClock(clock);
    this.stats = stats;
    this.spoolDir = spoolDir;
  }

  /** The generation the cursor is on, or null before recovery. */
  Generation generation() {
    return generation;
  }

  /** Where the replica ends, or null when unknown or a snapshot must come first. */
  Position position() {
    return pos;
  }

  /** When the newest snapshot of the cursor's generation was written, or null. */
  Instant lastSnapshot() {
    return lastSnapshot;
  }

  /** After an error: the replica's state is unknown until recovered again. */
  void invalidate() {
    generation = null;
    pos = null;
    anchor = null;
    firstSnapshot = null;
    lastSnapshot = null;
    stats.position(null);
  }

  /** A snapshot must be written before any segment: none in the generation, or no position. */
  boolean needsSnapshot() {
    return generation != null && (firstSnapshot == null || pos == null);
  }

  /** Nothing more to ship before {@code end}'s position (nothing at all when null). */
  boolean reached(Position end) {
    return pos != null
        && end != null
        && pos.generation().equals(end.generation())
        && pos.compareTo(end) >= 0;
  }

  /**
   * Recovers where the replica ends in the shadow's current generation: lists it, checks its last
   * segment against the shadow, deletes a tail that provably does not continue it and checks the
   * one before, and so on.
   */
  void recover(Position end) throws IOException {
    invalidate();
    Generation g = end.generation();
    ReplicaCatalog catalog = ReplicaCatalog.load(store);
    if (catalog.updatedAt() != null) {
      mtimes.observe(catalog.updatedAt());
    }
    GenerationFiles files =
        catalog.generation(g).orElse(new GenerationFiles(g, List.of(), List.of()));
    List<SnapshotInfo> snapshots = files.snapshots();
    if (!snapshots.isEmpty()) {
      firstSnapshot = snapshots.get(0).name().index();
      lastSnapshot = files.lastSnapshotAt();
    }
    List<WalSegmentInfo> segments = new ArrayList<>(files.segments());
    Position found = null;
    int tailIndex = -1;
    while (!segments.isEmpty() && found == null) {
      WalSegmentName tail = segments.remove(segments.size() - 1).name();
      TailCheck.Verdict v = TailCheck.verify(store, log, tail);
      if (v instanceof TailCheck.Chains c) {
        found = c.end();
        anchor = tail.position();
      } else if (v instanceof TailCheck.NotHeld && tail.index() < end.index()) {
        tailIndex = tail.index();
        break;
      } else {
        if (v instanceof TailCheck.NotHeld && !g.equals(generationNow())) {
          throw new IOException(
              "capture started a new generation while the replica was being checked");
        }
        String why =
            v instanceof TailCheck.Mismatch m ? m.reason() : "index not in the local shadow WAL";
        LOG.warn(
            "{}: segment {} does not continue the local shadow WAL ({}); deleting it and re-shipping",
            label,
            tail.shortName(),
            why);
        deleteDivergedTail(tail, why);
      }
    }
    generation = g;
    if (found == null) {
      found = fromNewestSnapshot(snapshots, tailIndex);
      anchor = found;
    }
    setPosition(found);
    if (pos == null) {
      LOG.info(
          "{}: {} holds nothing to continue generation {} from; a snapshot comes first",
          label,
          store.location(),
          g);
    } else {
      LOG.info("{}: {} resumes at {} (read from the replica)", label, store.location(), pos);
    }
  }

  /**
   * Deletes a replica segment the shadow does not vouch for; when the server keeps it (its {@code
   * immutable-for}), this generation cannot go on there: capture starts a new one.
   */
  private void deleteDivergedTail(WalSegmentName tail, String why) throws IOException {
    try {
      store.delete(tail.path());
    } catch (AccessDeniedException kept) {
      String reason =
          "the replica keeps segment "
              + tail.shortName()
              + ", which does not continue the local shadow WAL ("
              + why
              + "): "
              + kept.getMessage();
      log.restartGeneration(reason);
      throw new IOException(reason + "; capture starts a new generation", kept);
    }
  }

  /**
   * The start of the newest snapshot's index, when no segment follows it and the shadow holds it.
   */
  private Position fromNewestSnapshot(List<SnapshotInfo> snapshots, int tailIndex)
      throws IOException {
    if (snapshots.isEmpty()) {
      return null;
    }
    SnapshotName newest = snapshots.get(snapshots.size() - 1).name();
    if (newest.index() <= tailIndex || !holds(newest.generation(), newest.index())) {
      return null;
    }
    return newest.position();
  }

  private Generation generationNow() {
    Position now = log.end();
    return now == null ? null : now.generation();
  }

  private boolean holds(Generation g, int index) throws IOException {
    try {
      log.indexLength(g, index);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /**
   * Moves the replica forward by one step: ships the rest of the current index as one segment, or
   * moves on to the next index when this one is complete.
   *
   * @return false when there is nothing to do until capture has more
   */
  boolean advance(Position end) throws IOException {
    if (pos == null) {
      return false;
    }
    long length;
    try {
      length = log.indexLength(pos.generation(), pos.index());
    } catch (NoSuchFileException e) {
      if (!pos.generation().equals(end.generation())) {
        invalidate(); // the old generation is gone: recover in the new one
        return true;
      }
      throw e;
    }
    if (length > pos.offset()) {
      writeSegment(length);
      return true;
    }
    if (length < pos.offset()) {
      throw new IOException(
          "local shadow WAL "
              + pos.withOffset(0)
              + " is "
              + length
              + " bytes, the replica already holds "
              + pos.offset());
    }
    return nextIndex(end);
  }

  private boolean nextIndex(Position end) throws IOException {
    boolean sameGeneration = pos.generation().equals(end.generation());
    if (sameGeneration && pos.index() >= end.index()) {
      return false;
    }
    if (!sameGeneration && !holds(pos.generation(), pos.index() + 1)) {
      LOG.info("{}: generation {} shipped up to its end at {}", label, pos.generation(), pos);
      invalidate();
      return true;
    }
    setPosition(pos.nextIndex());
    return true;
  }

  private void writeSegment(long to) throws IOException {
    Position from = pos;
    WalSegmentName name = WalSegmentName.at(from);
    Instant mtime = mtimes.next();
    long t0 = ticker.read();
    long[] copied = new long[1];
    Entry written =
        store.write(
            name,
            mtime,
            out -> {
              try (InputStream in = log.read(from, to)) {
                copied[0] = encoder.encode(in, out);
              }
            });
    if (copied[0] != to - from.offset()) {
      throw new IOException(
          "local shadow WAL "
              + from
              + ": read "
              + copied[0]
              + " bytes, expected "
              + (to - from.offset()));
    }
    stats.segment(copied[0], written.size(), clock.instant());
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "{}: wrote segment {} ({} WAL bytes, {} compressed, {} us)",
          label,
          name.shortName(),
          copied[0],
          written.size(),
          (ticker.read() - t0) / 1000);
    }
    anchor = from;
    setPosition(from.withOffset(to));
  }

  /**
   * Takes a snapshot and writes it. The database is compressed into a spool file while the lease is
   * held (so capture's index stays current only as long as a local copy takes), then uploaded.
   */
  SnapshotName snapshot(String reason) throws IOException {
    Path spool = Files.createTempFile(spoolDir, ".walship-snapshot-", ".lz4.tmp");
    try {
      SnapshotName name;
      long dbBytes;
      try (SnapshotLease lease = log.snapshot();
          InputStream db = lease.database();
          OutputStream out = Files.newOutputStream(spool)) {
        name = lease.name();
        // pin the snapshot's index before the lease ends: the replica needs it from offset 0, and
        // capture, which keeps only what registered replicas need, could otherwise prune it while
        // the snapshot uploads (a new generation pins nothing yet)
        log.shipped(replica, name.position());
        dbBytes = encoder.encode(db, out);
      }
      boolean startsGeneration = !name.generation().equals(generation) || firstSnapshot == null;
      Instant mtime = startsGeneration ? mtimes.nextInNewSecond() : mtimes.next();
      Entry written;
      try {
        written = store.write(name, mtime, out -> Files.copy(spool, out));
      } catch (AccessDeniedException refused) {
        kept(name, refused);
        afterSnapshot(name, mtime);
        return name;
      }
      stats.snapshot(written.size(), clock.instant());
      LOG.info(
          "{}: snapshot {} written ({}; {} bytes, {} compressed)",
          label,
          name,
          reason,
          dbBytes,
          written.size());
      afterSnapshot(name, mtime);
      return name;
    } finally {
      Files.deleteIfExists(spool);
    }
  }

  /**
   * The server refused to replace snapshot {@code name} (replica-server keeps it for its {@code
   * immutable-for}): the snapshot already there is one of the same index, just as good a base for
   * it, and stays. Any other refusal is an error.
   */
  private void kept(SnapshotName name, AccessDeniedException refused) throws IOException {
    boolean there =
        store.snapshots(name.generation()).stream().anyMatch(s -> s.name().equals(name));
    if (!there) {
      throw refused;
    }
    LOG.info(
        "{}: the replica keeps its snapshot {} ({}); it stays this index's snapshot",
        label,
        name,
        refused.getMessage());
  }

  private void afterSnapshot(SnapshotName name, Instant mtime) {
    if (generation == null || !generation.equals(name.generation())) {
      invalidate(); // capture moved on: recover in the snapshot's generation
      return;
    }
    boolean first = firstSnapshot == null;
    firstSnapshot = first ? name.index() : Math.min(firstSnapshot, name.index());
    lastSnapshot = mtime;
    if (pos == null || (first && pos.index() < name.index())) {
      anchor = name.position();
      setPosition(name.position());
    } else {
      setPosition(pos);
    }
  }

  /**
   * Sets the position, never below the lowest snapshot, and tells capture what it must keep: not
   * where the replica ends but where its last segment starts (the anchor). Recovery after a restart
   * checks that segment against the shadow, so its index must still be held; capture deletes an
   * index only once a replica reported it shipped completely.
   */
  private void setPosition(Position p) {
    if (p != null && firstSnapshot != null && p.index() < firstSnapshot) {
      p = new Position(p.generation(), firstSnapshot, 0);
    }
    pos = p;
    stats.position(p);
    Position keep = anchor;
    if (keep != null && firstSnapshot != null && keep.index() < firstSnapshot) {
      keep = new Position(keep.generation(), firstSnapshot, 0);
    }
    if (keep != null) {
      log.shipped(replica, keep);
    }
  }
}
