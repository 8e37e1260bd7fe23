package dev.walship.agent.ship;

import dev.walship.agent.capture.ShadowLog;
import dev.walship.agent.capture.SnapshotLease;
import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.wal.WalHeader;
import dev.walship.format.wal.WalReader;
import dev.walship.format.wal.WalScan;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * A hand-written {@link ShadowLog} for shipper tests, fed from a real SQLite WAL: {@link
 * #capture()} copies the committed frames the WAL has beyond the shadow, and starts a new index
 * when SQLite restarted the WAL (new salts). The test controls when that happens (autocheckpoint
 * off; it runs {@code PRAGMA wal_checkpoint(TRUNCATE)} only after a capture), so nothing is lost.
 * Snapshots copy the database file, which then holds everything before the current index.
 */
public final class FakeShadowLog implements ShadowLog {
  private final java.util.List<Runnable> listeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Path db;
  private final RandomGenerator random;
  private final Map<Generation, TreeMap<Integer, ByteArrayOutputStream>> generations =
      new HashMap<>();
  private final Map<String, Position> shipped = new ConcurrentHashMap<>();
  private Generation generation;
  private WalHeader header;
  private Position end;
  private int snapshotsTaken;

  public FakeShadowLog(Path db, RandomGenerator random) {
    this.db = db;
    this.random = random;
  }

  /** Copies what SQLite committed since the last capture; returns the new end. */
  public synchronized Position capture() throws IOException {
    Path wal = Path.of(db + "-wal");
    byte[] bytes = Files.exists(wal) ? Files.readAllBytes(wal) : new byte[0];
    if (bytes.length < WalHeader.SIZE) {
      return end;
    }
    WalScan scan = WalReader.scan(new ByteArrayInputStream(bytes));
    if (generation == null) {
      newGeneration();
    }
    TreeMap<Integer, ByteArrayOutputStream> indices = generations.get(generation);
    ByteArrayOutputStream current = indices.lastEntry().getValue();
    int commitEnd = (int) scan.committedEnd();
    if (header != null && !header.sameSalts(scan.header())) {
      current = new ByteArrayOutputStream();
      indices.put(indices.lastKey() + 1, current);
    }
    header = scan.header();
    if (commitEnd > current.size()) {
      current.write(bytes, current.size(), commitEnd - current.size());
    }
    setEnd();
    return end;
  }

  /** Starts a new generation (continuity lost), with index 0 empty until the next capture. */
  public synchronized Generation newGeneration() {
    generation = Generation.random(random);
    TreeMap<Integer, ByteArrayOutputStream> indices = new TreeMap<>();
    indices.put(0, new ByteArrayOutputStream());
    generations.put(generation, indices);
    header = null;
    setEnd();
    return generation;
  }

  /** Why shippers asked for a new generation, in order. */
  public final List<String> restarts = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Override
  public synchronized void restartGeneration(String reason) {
    restarts.add(reason);
    newGeneration();
  }

  /** Forgets an index, as capture does once every replica shipped it. */
  public synchronized void drop(Generation g, int index) {
    generations.get(g).remove(index);
  }

  /** Loses the end of the current index, as a crash that lost unsynced shadow bytes would. */
  public synchronized void truncateCurrent(long length) {
    ByteArrayOutputStream current = generations.get(generation).lastEntry().getValue();
    byte[] kept = Arrays.copyOf(current.toByteArray(), (int) length);
    current.reset();
    current.write(kept, 0, kept.length);
    setEnd();
  }

  /** Forgets a whole generation. */
  public synchronized void drop(Generation g) {
    generations.remove(g);
  }

  /** What {@code replica} last reported as shipped. */
  public Position shippedBy(String replica) {
    return shipped.get(replica);
  }

  public synchronized int snapshotsTaken() {
    return snapshotsTaken;
  }

  /** The shadow bytes of one index. */
  public synchronized byte[] bytes(Generation g, int index) {
    return generations.get(g).get(index).toByteArray();
  }

  private void setEnd() {
    TreeMap<Integer, ByteArrayOutputStream> indices = generations.get(generation);
    end = new Position(generation, indices.lastKey(), indices.lastEntry().getValue().size());
    notifyAll();
    listeners.forEach(Runnable::run);
  }

  @Override
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  @Override
  public synchronized Position end() {
    return end;
  }

  @Override
  public synchronized Position awaitChange(Position seen, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long left;
    while (java.util.Objects.equals(end, seen) && (left = deadline - System.nanoTime()) > 0) {
      wait(Math.max(1, left / 1_000_000));
    }
    return end;
  }

  @Override
  public synchronized long indexLength(Generation g, int index) throws IOException {
    return index(g, index).size();
  }

  @Override
  public synchronized InputStream read(Position from, long to) throws IOException {
    byte[] b = index(from.generation(), from.index()).toByteArray();
    if (to > b.length || from.offset() > to) {
      throw new IOException("read " + from + " to " + to + ": index holds " + b.length);
    }
    return new ByteArrayInputStream(Arrays.copyOfRange(b, (int) from.offset(), (int) to));
  }

  private ByteArrayOutputStream index(Generation g, int index) throws NoSuchFileException {
    TreeMap<Integer, ByteArrayOutputStream> indices = generations.get(g);
    ByteArrayOutputStream b = indices == null ? null : indices.get(index);
    if (b == null) {
      throw new NoSuchFileException("shadow " + g + "/" + index);
    }
    return b;
  }

  @Override
  public synchronized SnapshotLease snapshot() throws IOException {
    snapshotsTaken++;
    SnapshotName name = new SnapshotName(generation, end.index());
    byte[] file = Files.readAllBytes(db);
    return new SnapshotLease() {
      @Override
      public SnapshotName name() {
        return name;
      }

      @Override
      public InputStream database() {
        return new ByteArrayInputStream(file);
      }

      @Override
      public void close() {}
    };
  }

  /** What each replica said with {@link #pace}. */
  public final Map<String, Duration> paces = new ConcurrentHashMap<>();

  /** The last position each replica said it waits beyond ({@link #waiting}). */
  public final Map<String, Position> waits = new ConcurrentHashMap<>();

  @Override
  public void pace(String replica, Duration syncInterval) {
    paces.put(replica, syncInterval);
  }

  @Override
  public void waiting(String replica, Position seen) {
    if (seen != null) {
      waits.put(replica, seen);
    }
  }

  @Override
  public void shipped(String replica, Position position) {
    shipped.put(replica, position);
  }
}
