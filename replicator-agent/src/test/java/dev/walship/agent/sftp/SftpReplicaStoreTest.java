package dev.walship.agent.sftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Layout;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.layout.WalSegmentName;
import dev.walship.format.store.Entry;
import dev.walship.format.store.WalSegmentInfo;
import dev.walship.testing.OpenSshServer;
import dev.walship.testing.Proc;
import dev.walship.testing.TcpProxy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's four primitives against OpenSSH's own sshd (no chroot: paths are absolute). */
class SftpReplicaStoreTest {
  private static final Generation GEN = Generation.parse("0123456789abcdef");

  @TempDir static Path tmp;
  static SftpFixture fx;

  @BeforeAll
  static void startServer() {
    fx = SftpFixture.start(tmp);
  }

  @AfterAll
  static void stopServer() {
    if (fx != null) {
      fx.close();
    }
  }

  private static Path newRoot(String name) throws IOException {
    return Files.createDirectories(tmp.resolve("replicas").resolve(name));
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  @Test
  void writeListOpenDeleteRoundTrip() throws IOException {
    Path root = newRoot("roundtrip");
    SnapshotName snap = new SnapshotName(GEN, 0);
    WalSegmentName seg = new WalSegmentName(GEN, 0, 0);
    byte[] snapBytes = random(700_000, 1);
    byte[] segBytes = random(4128, 2);
    Instant t1 = Instant.parse("2026-11-27T10:00:01Z");
    Instant t2 = Instant.parse("2026-11-27T10:00:02.750Z");
    try (SftpReplicaStore store = fx.store(root.toString())) {
      Entry e1 = store.write(snap, t1, out -> out.write(snapBytes));
      Entry e2 = store.write(seg, t2, out -> out.write(segBytes));
      assertEquals(new Entry(snap.fileName(), false, snapBytes.length, t1), e1);
      assertEquals(
          new Entry(seg.fileName(), false, segBytes.length, Instant.parse("2026-11-27T10:00:02Z")),
          e2);

      // what the server's disk holds: the bytes, the mtime (whole seconds), no temp name
      Path onDisk = root.resolve(snap.path());
      assertArrayEquals(snapBytes, Files.readAllBytes(onDisk));
      assertEquals(t1, Files.getLastModifiedTime(onDisk).toInstant());
      assertFalse(Files.exists(root.resolve(Layout.tempPath(snap))));

      assertEquals(
          List.of(
              new Entry(
                  "generations",
                  true,
                  dirSize(root.resolve("generations")),
                  mtime(root.resolve("generations")))),
          store.list(""));
      assertEquals(List.of(GEN), store.generations());
      assertEquals(
          List.of(new Entry(snap.fileName(), false, snapBytes.length, t1)),
          store.list(Layout.snapshotsDir(GEN)));
      assertEquals(1, store.snapshots(GEN).size());
      assertEquals(seg, store.walSegments(GEN).get(0).name());
      assertEquals(
          List.of(),
          store.list("generations/fedcba9876543210/wal"),
          "a missing directory lists empty");

      try (InputStream in = store.open(snap)) {
        assertArrayEquals(snapBytes, in.readAllBytes());
      }
      NoSuchFileException missing =
          assertThrows(NoSuchFileException.class, () -> store.open("generations/nope"));
      assertEquals(
          "sftp://root@127.0.0.1:"
              + fx.server.port()
              + root
              + "/generations/nope: open: no such file or directory",
          missing.getMessage());

      SftpStoreException notEmpty =
          assertThrows(SftpStoreException.class, () -> store.delete(Layout.walDir(GEN)));
      assertTrue(
          notEmpty
              .getMessage()
              .startsWith(
                  store.location()
                      + "/"
                      + Layout.walDir(GEN)
                      + ": delete: the server did not remove the directory (is it empty?)"),
          notEmpty.getMessage());
      store.delete(seg.path());
      assertFalse(Files.exists(root.resolve(seg.path())));
      store.delete(seg.path()); // missing: fine
      store.delete(Layout.walDir(GEN)); // now an empty directory
      assertFalse(Files.exists(root.resolve(Layout.walDir(GEN))));
      store.deleteGeneration(GEN);
      assertFalse(Files.exists(root.resolve(Layout.generationDir(GEN))));
    }
  }

  private static long dirSize(Path p) throws IOException {
    return (Long) Files.getAttribute(p, "size");
  }

  private static Instant mtime(Path p) throws IOException {
    return Files.getLastModifiedTime(p)
        .toInstant()
        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
  }

  @Test
  void theFinalNameAppearsOnlyComplete() throws IOException {
    Path root = newRoot("atomic");
    SnapshotName snap = new SnapshotName(GEN, 3);
    Path finalPath = root.resolve(snap.path());
    Path tempPath = root.resolve(Layout.tempPath(snap));
    byte[] first = random(3_000_000, 3);
    byte[] second = random(2_500_000, 4);
    try (SftpReplicaStore store = fx.store(root.toString())) {
      store.write(
          snap,
          Instant.parse("2026-11-27T10:00:00Z"),
          out -> {
            out.write(first, 0, 1_000_000);
            assertFalse(Files.exists(finalPath), "the final name must not exist while writing");
            assertTrue(Files.exists(tempPath), "bytes go to the temporary name");
            out.write(first, 1_000_000, first.length - 1_000_000);
          });
      store.write(
          snap,
          Instant.parse("2026-11-27T10:00:05Z"),
          out -> {
            out.write(second, 0, 2_000_000);
            out.close(); // a writer wrapping the stream may close it: the store still finishes the
            // file
            assertArrayEquals(
                first, Files.readAllBytes(finalPath), "readers still see the old file whole");
          });
      assertArrayEquals(java.util.Arrays.copyOf(second, 2_000_000), Files.readAllBytes(finalPath));
      assertFalse(Files.exists(tempPath));
      try (Stream<Path> s = Files.list(finalPath.getParent())) {
        assertEquals(List.of(snap.fileName()), s.map(p -> p.getFileName().toString()).toList());
      }
    }
  }

  @Test
  void aFailingWriterLeavesNothingAndIsNotRetried() throws IOException {
    Path root = newRoot("failing-writer");
    WalSegmentName seg = new WalSegmentName(GEN, 1, 0);
    int[] calls = {0};
    try (SftpReplicaStore store = fx.store(root.toString())) {
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  store.write(
                      seg,
                      Instant.now(),
                      out -> {
                        calls[0]++;
                        out.write(new byte[100_000]);
                        throw new IOException("shadow WAL unreadable");
                      }));
      assertEquals("shadow WAL unreadable", e.getMessage());
      assertEquals(1, calls[0]);
      assertFalse(Files.exists(root.resolve(seg.path())));
      assertFalse(Files.exists(root.resolve(Layout.tempPath(seg))));
    }
  }

  @Test
  void gcmIsNegotiated() throws IOException {
    try (SftpReplicaStore store = fx.store(newRoot("cipher").toString())) {
      store.list("");
      assertEquals("aes128-gcm@openssh.com", store.cipher());
    }
  }

  @Test
  void chrootedLikeTheSeedRecipe(@TempDir Path dir) throws IOException {
    WalSegmentName seg = new WalSegmentName(GEN, 2, 0);
    byte[] bytes = random(10_000, 5);
    Instant t = Instant.parse("2026-11-27T09:00:00Z");
    try (SftpFixture chrooted = SftpFixture.start(dir, b -> b.chrootSftp());
        SftpReplicaStore store = chrooted.store("/db")) {
      store.write(seg, t, out -> out.write(bytes));
      Path onDisk = chrooted.server.chroot().resolve("db").resolve(seg.path());
      assertArrayEquals(bytes, Files.readAllBytes(onDisk), "/db is the chroot's db directory");
      assertEquals(t, Files.getLastModifiedTime(onDisk).toInstant());
      assertEquals(
          List.of(new Entry(seg.fileName(), false, bytes.length, t)),
          store.list(Layout.walDir(GEN)));
      assertThrows(IllegalArgumentException.class, () -> store.open("../etc/passwd"));
      assertThrows(IllegalArgumentException.class, () -> store.list("/etc"));
    }
  }

  @Test
  void aRestoreOf1000SegmentsSurvivesADroppedConnection() throws Exception {
    Path root = newRoot("restore");
    Map<WalSegmentName, byte[]> files = new LinkedHashMap<>();
    SplittableRandom rnd = new SplittableRandom(6);
    long total = 0;
    Files.createDirectories(root.resolve(Layout.walDir(GEN)));
    for (int i = 0; i < 1000; i++) {
      WalSegmentName name = new WalSegmentName(GEN, 0, i == 0 ? 0 : 32 + (long) i * 4120);
      byte[] b = new byte[1000 + rnd.nextInt(30_000)];
      rnd.nextBytes(b);
      Files.write(root.resolve(name.path()), b);
      files.put(name, b);
      total += b.length;
    }
    try (TcpProxy proxy = TcpProxy.start(OpenSshServer.HOST, fx.server.port());
        SftpReplicaStore store =
            SftpReplicaStore.open(fx.target(root.toString(), proxy.port()), fx.options())) {
      List<WalSegmentInfo> listed = store.walSegments(GEN);
      assertEquals(1000, listed.size());
      proxy.cutAfter(total / 2);
      ExecutorService pool = Executors.newFixedThreadPool(8); // restore downloads 8 at a time
      try {
        List<Future<byte[]>> reads = new ArrayList<>();
        for (WalSegmentInfo info : listed) {
          reads.add(
              pool.submit(
                  () -> {
                    try (InputStream in = store.open(info.name())) {
                      return in.readAllBytes();
                    }
                  }));
        }
        int i = 0;
        for (byte[] expected : files.values()) {
          assertArrayEquals(expected, reads.get(i++).get(), "segment " + i);
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(1, proxy.cuts(), "the connection was dropped midway");
      assertEquals(2, store.connectionNumber(), "and the store reconnected once");
    }
  }

  @Test
  void aWriteCutMidwayIsUploadedAgainAndLandsOnce() throws IOException {
    Path root = newRoot("write-retry");
    SnapshotName snap = new SnapshotName(GEN, 7);
    byte[] bytes = random(8_000_000, 8);
    AtomicInteger calls = new AtomicInteger();
    try (TcpProxy proxy = TcpProxy.start(OpenSshServer.HOST, fx.server.port());
        SftpReplicaStore store =
            SftpReplicaStore.open(fx.target(root.toString(), proxy.port()), fx.options())) {
      store.list("");
      proxy.cutAfter(3_000_000);
      Entry e =
          store.write(
              snap,
              Instant.parse("2026-11-27T10:30:00Z"),
              out -> {
                calls.incrementAndGet();
                out.write(bytes);
              });
      assertEquals(2, calls.get(), "the content was written again on the new connection");
      assertEquals(1, proxy.cuts());
      assertEquals(2, store.connectionNumber());
      assertEquals(bytes.length, e.size());
      assertArrayEquals(bytes, Files.readAllBytes(root.resolve(snap.path())));
      try (Stream<Path> s = Files.list(root.resolve(snap.directory()))) {
        assertEquals(
            List.of(snap.fileName()),
            s.map(p -> p.getFileName().toString()).toList(),
            "one file, no temporary left");
      }
    }
  }

  @Test
  void parallelReadsAndWritesShareOneConnection() throws Exception {
    Path root = newRoot("parallel");
    try (SftpReplicaStore store = fx.store(root.toString())) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<?>> jobs = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
          int n = i;
          jobs.add(
              pool.submit(
                  () -> {
                    WalSegmentName name = new WalSegmentName(GEN, n, 0);
                    byte[] b = random(300_000 + n * 1000, n);
                    store.write(name, Instant.parse("2026-11-27T10:00:00Z"), out -> out.write(b));
                    try (InputStream in = store.open(name)) {
                      assertArrayEquals(b, in.readAllBytes());
                    }
                    return null;
                  }));
        }
        for (Future<?> f : jobs) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(32, store.walSegments(GEN).size());
      assertEquals(1, store.connectionNumber());
    }
  }

  @Test
  void storesToOneDestinationShareOneConnectionUntilTheLastCloses() throws Exception {
    SftpConnections shared = new SftpConnections(fx.options());
    Path a = newRoot("shared-a");
    Path b = newRoot("shared-b");
    SftpReplicaStore one = shared.open(fx.target(a.toString()));
    SftpReplicaStore two = shared.open(fx.target(b.toString()));
    one.write(
        new WalSegmentName(GEN, 0, 0), Instant.parse("2026-11-27T10:00:00Z"), out -> out.write(1));
    two.write(
        new WalSegmentName(GEN, 1, 0), Instant.parse("2026-11-27T10:00:00Z"), out -> out.write(2));
    assertEquals(1, shared.destinations());
    assertEquals(1, two.connectionNumber(), "the second store reuses the first one's connection");
    Connection first = one.connections().peek();
    assertTrue(first == two.connections().peek(), "one SSH connection for both");
    assertTrue(
        first.sftp(0) != first.sftp(1) && first.sftp(1).isOpen(),
        "the second store has an SFTP channel of its own on that connection");
    assertTrue(first.sftp(Connection.LANES) == first.sftp(0), "lanes wrap around");

    one.close();
    one.close(); // twice: still one release
    assertThrows(SftpStoreException.class, () -> one.list(""), "a closed store refuses");
    assertEquals(
        1, two.walSegments(GEN).size(), "the other store goes on over the same connection");
    assertTrue(first.isOpen());

    SftpReplicaStore other =
        shared.open(
            new SftpTarget(
                OpenSshServer.HOST,
                fx.server.port(),
                OpenSshServer.USER,
                null,
                a.toString(),
                fx.clientKey.privateKey(),
                null,
                fx.server.hostKey().publicLine(),
                null));
    assertEquals(2, shared.destinations(), "another host-key rule is another destination");
    other.close();
    two.close();
    assertEquals(0, shared.destinations());
    assertFalse(first.isOpen(), "the last store closed the connection");
  }

  @Test
  void streamsAFileLargerThanItsHeap() throws IOException {
    Path root = newRoot("large");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Proc.Result r =
        Proc.run(
            Duration.ofMinutes(5),
            null,
            Map.of(),
            null,
            java,
            "-Xmx48m",
            "-cp",
            cp,
            StreamingProbe.class.getName(),
            OpenSshServer.HOST,
            String.valueOf(fx.server.port()),
            OpenSshServer.USER,
            fx.clientKey.privateKey().toString(),
            fx.server.hostKeyFingerprint(),
            root.toString(),
            "160");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.stdout().contains("OK "), r.toString());
    assertEquals(
        160L << 20,
        Files.size(root.resolve(new SnapshotName(Generation.parse("00000000000000aa"), 1).path())));
  }

  static String text(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
