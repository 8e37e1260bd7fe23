package dev.walship.agent.capture;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Position;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.wal.FrameHeader;
import dev.walship.format.wal.WalHeader;
import dev.walship.format.wal.WalReader;
import dev.walship.format.wal.WalScan;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Test helper: follows a {@link ShadowLog} the way a shipper does (snapshot first in every
 * generation, then every index byte range as it appears, reporting what it "shipped"), keeps what
 * it read in memory, and rebuilds the database from a generation's first snapshot and indices.
 */
final class Follower implements AutoCloseable {
  private final ShadowLog log;
  private final String name;
  private final Thread thread;
  private volatile boolean stop;
  private volatile Throwable failure;

  /** Per generation: its first snapshot, and every index's bytes. */
  private final Map<Generation, Gen> gens = new LinkedHashMap<>();

  private Position at;

  static final class Gen {
    SnapshotName snapshot;
    byte[] database;
    final TreeMap<Integer, ByteArrayOutputStream> indices = new TreeMap<>();
  }

  Follower(ShadowLog log, String name) {
    this.log = log;
    this.name = name;
    this.thread = new Thread(this::loop, "follower-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    try {
      while (!stop) {
        Position end = log.awaitChange(at, Duration.ofMillis(50));
        if (end != null) {
          follow(end);
        }
      }
    } catch (Throwable t) {
      failure = t;
    }
  }

  private synchronized void follow(Position end) throws IOException {
    if (at == null || !at.generation().equals(end.generation())) {
      Gen g = new Gen();
      try (SnapshotLease lease = log.snapshot()) {
        g.snapshot = lease.name();
        // register before the lease ends, as a shipper does: capture may otherwise prune the
        // snapshot's index (it keeps only two for no replica) before this follower reads it
        log.shipped(name, new Position(lease.name().generation(), lease.name().index(), 0));
        try (InputStream in = lease.database()) {
          g.database = in.readAllBytes();
        }
      }
      gens.put(g.snapshot.generation(), g);
      at = new Position(g.snapshot.generation(), g.snapshot.index(), 0);
      end = log.end();
    }
    Gen g = gens.get(at.generation());
    while (at.generation().equals(end.generation())
        && (at.index() < end.index() || at.offset() < end.offset())) {
      long len = log.indexLength(at.generation(), at.index());
      if (len > at.offset()) {
        try (InputStream in = log.read(at, len)) {
          g.indices
              .computeIfAbsent(at.index(), k -> new ByteArrayOutputStream())
              .write(in.readAllBytes());
        }
        at = at.withOffset(len);
      }
      if (at.index() < end.index()) {
        at = at.nextIndex();
      } else {
        break;
      }
      log.shipped(name, at);
    }
    // like a shipper, keep the index being read pinned (offset 0): reporting it complete would
    // let capture delete it once a later index begins, before this follower has moved past it
    log.shipped(name, at.withOffset(0));
  }

  /** Waits until the follower has read up to the log's end (as of now). */
  void catchUp(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (failure != null) {
        throw new AssertionError("follower failed", failure);
      }
      Position end = log.end();
      synchronized (this) {
        if (end != null && end.equals(at)) {
          return;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("follower did not catch up with " + log.end() + ", at " + at);
  }

  synchronized List<Generation> generations() {
    return new ArrayList<>(gens.keySet());
  }

  synchronized Gen generation(Generation g) {
    return gens.get(g);
  }

  /** Every index read, checked: a valid WAL whose committed part is all of it. */
  synchronized void checkIndicesCommittedOnly() throws IOException {
    for (var ge : gens.entrySet()) {
      for (var ie : ge.getValue().indices.entrySet()) {
        byte[] b = ie.getValue().toByteArray();
        WalScan s = WalReader.scan(new ByteArrayInputStream(b));
        if (s.committedEnd() != b.length || s.stop() != WalReader.Stop.END) {
          throw new AssertionError(
              "generation "
                  + ge.getKey()
                  + " index "
                  + ie.getKey()
                  + ": "
                  + b.length
                  + " bytes, committed end "
                  + s.committedEnd()
                  + ", "
                  + s.stopDetail());
        }
      }
    }
  }

  /** Rebuilds generation {@code g}'s database into {@code out}: its snapshot, then its indices. */
  synchronized void rebuild(Generation g, Path out) throws IOException {
    Gen gen = gens.get(g);
    Files.write(out, gen.database);
    try (RandomAccessFile f = new RandomAccessFile(out.toFile(), "rw")) {
      for (var ie : gen.indices.tailMap(gen.snapshot.index(), true).entrySet()) {
        apply(ie.getValue().toByteArray(), f);
      }
    }
  }

  /** Applies the committed frames of one index's bytes to the database file {@code f}. */
  static void apply(byte[] wal, RandomAccessFile f) throws IOException {
    WalReader r = WalReader.open(new ByteArrayInputStream(wal));
    int ps = r.header().pageSize();
    List<byte[]> pending = new ArrayList<>();
    while (r.next()) {
      pending.add(r.frame().clone());
      FrameHeader h = r.frameHeader();
      if (h.isCommit()) {
        for (byte[] fr : pending) {
          FrameHeader fh = FrameHeader.parse(fr, 0);
          f.seek((long) (fh.pageNumber() - 1) * ps);
          f.write(fr, WalHeader.FRAME_HEADER_SIZE, ps);
        }
        pending.clear();
        f.setLength((long) h.commitSize() * ps);
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.join(10_000);
    if (failure != null) {
      throw new AssertionError("follower failed", failure);
    }
  }
}
