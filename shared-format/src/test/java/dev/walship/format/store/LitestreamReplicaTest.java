package dev.walship.format.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.WalSegmentName;
import dev.walship.format.lz4.Lz4;
import dev.walship.format.validate.ReplicaCheck;
import dev.walship.testing.Await;
import dev.walship.testing.Litestream;
import dev.walship.testing.Sqlite;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jpountz.lz4.LZ4FrameInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foundation's acceptance: a replica tree written by the real Litestream v0.3.13 is listed by
 * the file store exactly as {@code litestream snapshots} and {@code litestream wal} list it, every
 * file validates, damage is caught, and one index's decoded segments are Litestream's shadow WAL.
 */
class LitestreamReplicaTest {
  @TempDir static Path tmp;
  static Path db;
  static Path replica;
  static Path config;

  @BeforeAll
  static void replicateWithLitestream() throws Exception {
    db = tmp.resolve("fruits.db");
    replica = tmp.resolve("replica");
    config = tmp.resolve("litestream.yml");
    Files.writeString(
        config,
        """
        dbs:
          - path: %s
            monitor-interval: 50ms
            checkpoint-interval: 1h
            min-checkpoint-page-count: 40
            replicas:
              - url: file://%s
                sync-interval: 50ms
        """
            .formatted(db, replica));
    try (Connection c = Sqlite.openWal(db, 0)) {
      Sqlite.exec(
          c,
          "create table fruits(name, color)",
          "insert into fruits values('appple','red')",
          "insert into fruits values('banana','yellow')");
      try (Litestream ls = Litestream.replicate(config)) {
        Await.until(
            Duration.ofSeconds(30),
            "Litestream's first snapshot\n" + ls.log(),
            () ->
                Files.exists(replica.resolve("generations"))
                    && !new FileReplicaStore(replica).generations().isEmpty()
                    && !new FileReplicaStore(replica)
                        .snapshots(new FileReplicaStore(replica).generations().get(0))
                        .isEmpty());
        for (int i = 0; i < 300; i++) {
          Sqlite.exec(
              c,
              "insert into fruits values('fruit"
                  + i
                  + "', hex(randomblob("
                  + (200 + i * 7)
                  + ")))");
          if (i % 60 == 59) {
            Sqlite.exec(c, "PRAGMA wal_checkpoint(PASSIVE)");
            Thread.sleep(300);
          }
        }
        FileReplicaStore store = new FileReplicaStore(replica);
        Await.until(
            Duration.ofSeconds(30),
            "more than one WAL index\n" + ls.log(),
            () ->
                store.walSegments(store.generations().get(0)).stream()
                        .map(w -> w.name().index())
                        .distinct()
                        .count()
                    > 1);
        Thread.sleep(500);
      }
    }
  }

  private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_INSTANT;

  private static List<String> rows(String litestreamOutput) {
    return litestreamOutput
        .lines()
        .skip(1)
        .map(l -> String.join(" ", l.trim().split("\\s+")))
        .toList();
  }

  @Test
  void listsSnapshotsExactlyAsLitestream() throws IOException {
    FileReplicaStore store = new FileReplicaStore(replica);
    List<String> ours = new ArrayList<>();
    for (Generation g : store.generations()) {
      for (SnapshotInfo s : store.snapshots(g)) {
        ours.add(
            String.join(
                " ",
                "file",
                g.name(),
                String.valueOf(s.name().index()),
                String.valueOf(s.size()),
                RFC3339.format(s.created().truncatedTo(ChronoUnit.SECONDS))));
      }
    }
    List<String> theirs =
        rows(
            Litestream.run("snapshots", "-config", config.toString(), db.toString())
                .orThrow()
                .stdout());
    assertFalse(theirs.isEmpty());
    assertEquals(theirs, ours);
  }

  @Test
  void listsWalSegmentsExactlyAsLitestream() throws IOException {
    FileReplicaStore store = new FileReplicaStore(replica);
    List<String> ours = new ArrayList<>();
    for (Generation g : store.generations()) {
      for (WalSegmentInfo w : store.walSegments(g)) {
        ours.add(
            String.join(
                " ",
                "file",
                g.name(),
                String.valueOf(w.name().index()),
                String.valueOf(w.name().offset()),
                String.valueOf(w.size()),
                RFC3339.format(w.created().truncatedTo(ChronoUnit.SECONDS))));
      }
    }
    List<String> theirs =
        rows(Litestream.run("wal", "-config", config.toString(), db.toString()).orThrow().stdout());
    assertTrue(theirs.size() > 2, theirs.toString());
    assertEquals(theirs, ours);
  }

  @Test
  void everyFileValidates() throws IOException {
    ReplicaCheck.Report r = ReplicaCheck.check(new FileReplicaStore(replica));
    assertEquals(List.of(), r.problems());
    assertTrue(r.snapshots() >= 1);
    assertTrue(r.segments() > 2);
  }

  @Test
  void decodedSegmentsOfAnIndexAreLitestreamsShadowWal() throws IOException {
    FileReplicaStore store = new FileReplicaStore(replica);
    Generation g = store.generations().get(0);
    Path shadowDir =
        tmp.resolve(".fruits.db-litestream/generations").resolve(g.name()).resolve("wal");
    Map<Integer, ByteArrayOutputStream> byIndex = new TreeMap<>();
    for (WalSegmentInfo w : store.walSegments(g)) {
      ByteArrayOutputStream b =
          byIndex.computeIfAbsent(w.name().index(), i -> new ByteArrayOutputStream());
      assertEquals(b.size(), w.name().offset(), "segments are contiguous");
      try (InputStream in = Lz4.decompressing(store.open(w.name()))) {
        in.transferTo(b);
      }
    }
    int compared = 0;
    for (Map.Entry<Integer, ByteArrayOutputStream> e : byIndex.entrySet()) {
      Path shadow = shadowDir.resolve(String.format("%08x.wal", e.getKey()));
      if (Files.exists(shadow)) { // Litestream deletes shadows of indices it has fully replicated
        assertArrayEquals(
            Files.readAllBytes(shadow), e.getValue().toByteArray(), shadow.toString());
        compared++;
      }
    }
    assertTrue(compared >= 1, "no shadow WAL left to compare with: " + byIndex.keySet());
  }

  @Test
  void everyFileLitestreamWroteDecodesAsLz4FrameInputStreamDoesAndDamagedFailsAsItDoes()
      throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(replica)) {
      files = s.filter(p -> p.toString().endsWith(".lz4")).sorted().toList();
    }
    assertTrue(files.size() > 3, files.toString());
    for (Path p : files) {
      byte[] frame = Files.readAllBytes(p);
      assertArrayEquals(lz4Java(frame), ours(frame), p.toString());
    }
    byte[] segment = Files.readAllBytes(aSegment(replica, 1));
    int step = Math.max(1, segment.length / 500); // every byte of the head and tail, some between
    for (int i = 0; i < segment.length; i++) {
      if (i > 256 && i < segment.length - 256 && i % step != 0) {
        continue;
      }
      byte[] damaged = segment.clone();
      damaged[i] ^= (byte) 0xff;
      sameOrBothFail(damaged, "byte " + i + " flipped");
      sameOrBothFail(Arrays.copyOf(segment, i), "cut to " + i);
    }
  }

  private static byte[] lz4Java(byte[] frame) throws IOException {
    try (InputStream in = new LZ4FrameInputStream(new ByteArrayInputStream(frame))) {
      return in.readAllBytes();
    }
  }

  private static byte[] ours(byte[] frame) throws IOException {
    try (InputStream in = Lz4.decompressing(new ByteArrayInputStream(frame))) {
      return in.readAllBytes();
    }
  }

  private static void sameOrBothFail(byte[] frame, String what) {
    byte[] theirs;
    try {
      theirs = lz4Java(frame);
    } catch (IOException e) {
      assertThrows(IOException.class, () -> ours(frame), what + ": " + e);
      return;
    }
    try {
      assertArrayEquals(theirs, ours(frame), what);
    } catch (IOException e) {
      throw new AssertionError(what + ": LZ4FrameInputStream decoded it", e);
    }
  }

  /** A fresh copy of the replica, to damage. */
  private static Path copyOfReplica(String name) throws IOException {
    Path copy = tmp.resolve(name);
    try (Stream<Path> s = Files.walk(replica)) {
      for (Path p : s.toList()) {
        Path t = copy.resolve(replica.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
    return copy;
  }

  private static Path aSegment(Path root, int n) throws IOException {
    FileReplicaStore s = new FileReplicaStore(root);
    List<WalSegmentInfo> segs = s.walSegments(s.generations().get(0));
    WalSegmentName name = segs.get(Math.min(n, segs.size() - 1)).name();
    return root.resolve(name.path());
  }

  @Test
  void aFlippedByteIsCaught() throws IOException {
    Path copy = copyOfReplica("flipped");
    Path victim = aSegment(copy, 1);
    try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
      long at = f.length() / 2;
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x04);
    }
    assertProblemAt(copy, victim);
  }

  @Test
  void aTruncatedSegmentIsCaught() throws IOException {
    Path copy = copyOfReplica("truncated");
    Path victim = aSegment(copy, 2);
    byte[] b = Files.readAllBytes(victim);
    Files.write(victim, Arrays.copyOf(b, b.length - 7));
    assertProblemAt(copy, victim);
  }

  @Test
  void anUppercaseNameIsCaught() throws IOException {
    Path copy = copyOfReplica("uppercase");
    Path victim = aSegment(copy, 1);
    String upper =
        victim.getFileName().toString().replace(".wal.lz4", "").toUpperCase() + ".wal.lz4";
    Path renamed = victim.resolveSibling(upper);
    if (upper.equals(victim.getFileName().toString())) { // all digits: make one uppercase hex digit
      renamed = victim.resolveSibling(upper.replaceFirst("0_", "A_"));
    }
    Files.move(victim, renamed);
    ReplicaCheck.Report r = ReplicaCheck.check(new FileReplicaStore(copy));
    String rel = copy.relativize(renamed).toString();
    assertTrue(
        r.problems().stream()
            .anyMatch(p -> p.path().equals(rel) && p.reason().contains("uppercase hex digit")),
        r.problems().toString());
  }

  private static void assertProblemAt(Path root, Path victim) throws IOException {
    ReplicaCheck.Report r = ReplicaCheck.check(new FileReplicaStore(root));
    String rel = root.relativize(victim).toString();
    assertTrue(
        r.problems().stream().anyMatch(p -> p.path().equals(rel)), rel + " not in " + r.problems());
  }
}
