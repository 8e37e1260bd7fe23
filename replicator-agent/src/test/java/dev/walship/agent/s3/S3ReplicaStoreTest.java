package dev.walship.agent.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.Layout;
import dev.walship.format.layout.Position;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.layout.WalSegmentName;
import dev.walship.format.store.Entry;
import dev.walship.format.store.WalSegmentInfo;
import dev.walship.testing.S3Proxy;
import dev.walship.testing.TcpProxy;
import dev.walship.toolkit.time.Backoff;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@link S3ReplicaStore} against a real S3 API server (s3proxy): the store contract, parts, pages,
 * errors.
 */
class S3ReplicaStoreTest {
  static final S3Proxy S3 = S3Proxy.shared();
  static final Generation G = Generation.parse("00112233aabbccdd");
  static final Generation G2 = Generation.parse("ffeeddcc00112233");

  static S3Target target(String bucket, String root, S3Credentials creds) {
    return new S3Target(bucket, root, null, URI.create(S3.endpoint()), true, false, creds);
  }

  static S3Credentials good() {
    return S3Credentials.of(S3.accessKey(), S3.secretKey(), null, "the test");
  }

  static S3ReplicaStore store(String bucket) {
    return S3ReplicaStore.open(
        target(bucket, "db", good()), S3Options.defaults().withParts(S3Options.MIN_PART_SIZE, 2));
  }

  static S3Client sdk() {
    return S3Client.builder()
        .endpointOverride(URI.create(S3.endpoint()))
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(S3.accessKey(), S3.secretKey())))
        .build();
  }

  static byte[] read(S3ReplicaStore store, String path) throws IOException {
    try (InputStream in = store.open(path)) {
      return in.readAllBytes();
    }
  }

  @Test
  void writesListsReadsAndDeletesUnderLitestreamsKeys() throws IOException {
    String bucket = S3.newBucket("basic");
    try (S3ReplicaStore store = store(bucket)) {
      WalSegmentName seg = WalSegmentName.at(new Position(G, 1, 4152));
      byte[] bytes = "segment bytes".getBytes(StandardCharsets.US_ASCII);
      Entry e = store.write(seg, Instant.now(), out -> out.write(bytes));
      assertEquals(bytes.length, e.size());
      assertEquals(
          List.of("db/generations/" + G + "/wal/00000001_00001038.wal.lz4"), S3.keys(bucket));
      assertArrayEquals(bytes, read(store, seg.path()));

      List<Entry> gens = store.list(Layout.GENERATIONS);
      assertEquals(1, gens.size());
      assertEquals(G.name(), gens.get(0).name());
      assertTrue(gens.get(0).directory());
      List<WalSegmentInfo> segs = store.walSegments(G);
      assertEquals(1, segs.size());
      assertEquals(bytes.length, segs.get(0).size());
      assertTrue(
          Duration.between(segs.get(0).created(), Instant.now()).abs().toSeconds() < 30,
          "LastModified is now");
      assertEquals(
          List.of(),
          store.list("generations/" + G + "/snapshots"),
          "a prefix without objects is an empty dir");

      assertThrows(
          NoSuchFileException.class,
          () -> store.open("generations/" + G + "/wal/00000009_00000000.wal.lz4"));
      store.delete(seg.path());
      store.delete(seg.path()); // gone already: not an error
      assertEquals(List.of(), store.walSegments(G));
    }
  }

  @Test
  void listsPastOneThousandKeysInAGeneration() throws Exception {
    String bucket = S3.newBucket("pages");
    int n = 1050;
    try (S3ReplicaStore store = store(bucket)) {
      store.write(WalSegmentName.at(new Position(G, 0, 0)), Instant.now(), out -> out.write(1));
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<Entry>> writes = new ArrayList<>();
        for (int i = 1; i < n; i++) {
          WalSegmentName s = WalSegmentName.at(new Position(G, i, 0));
          writes.add(pool.submit(() -> store.write(s, Instant.now(), out -> out.write(7))));
        }
        for (Future<Entry> f : writes) {
          f.get();
        }
      } finally {
        pool.shutdown();
      }
      List<WalSegmentInfo> segs = store.walSegments(G);
      assertEquals(n, segs.size());
      assertEquals(n - 1, segs.get(n - 1).name().index());
      store.deleteGeneration(G);
      assertEquals(List.of(), store.generations());
      assertEquals(List.of(), S3.keys(bucket));
    }
  }

  @Test
  void largeFilesGoUpInParallelPartsAndAppearWhole() throws IOException {
    String bucket = S3.newBucket("parts");
    byte[] big = new byte[12 * 1024 * 1024 + 123];
    new SplittableRandom(1).nextBytes(big);
    SnapshotName snap = new SnapshotName(G, 3);
    try (S3ReplicaStore store = store(bucket)) {
      Entry e =
          store.write(
              snap,
              Instant.now(),
              out -> {
                for (int off = 0; off < big.length; off += 100_000) {
                  out.write(big, off, Math.min(100_000, big.length - off));
                }
              });
      assertEquals(big.length, e.size());
      assertArrayEquals(big, read(store, snap.path()));
    }
  }

  @Test
  void aFailedUploadLeavesNoObjectAndNoParts() throws IOException {
    String bucket = S3.newBucket("abort");
    SnapshotName snap = new SnapshotName(G, 0);
    try (S3ReplicaStore store = store(bucket)) {
      IOException thrown =
          assertThrows(
              IOException.class,
              () ->
                  store.write(
                      snap,
                      Instant.now(),
                      out -> {
                        out.write(new byte[11 * 1024 * 1024]);
                        throw new IOException("the snapshot source broke");
                      }));
      assertEquals("the snapshot source broke", thrown.getMessage());
      assertEquals(List.of(), store.snapshots(G));
      assertEquals(List.of(), S3.keys(bucket), "no object, no part left");
    }
  }

  @Test
  void aNewGenerationsFirstObjectIsInALaterServerSecond() throws IOException {
    String bucket = S3.newBucket("order");
    try (S3ReplicaStore store = store(bucket)) {
      for (int round = 0; round < 3; round++) {
        int i = round;
        Generation a = i % 2 == 0 ? G : G2;
        Generation b = i % 2 == 0 ? G2 : G;
        store.write(WalSegmentName.at(new Position(a, i, 0)), Instant.now(), out -> out.write(1));
        store.write(new SnapshotName(b, i + 1), Instant.now(), out -> out.write(2));
        Instant older =
            store.walSegments(a).stream()
                .filter(s -> s.name().index() == i)
                .findFirst()
                .orElseThrow()
                .created();
        Instant newer =
            store.snapshots(b).stream()
                .filter(s -> s.name().index() == i + 1)
                .findFirst()
                .orElseThrow()
                .created();
        assertTrue(newer.getEpochSecond() > older.getEpochSecond(), older + " then " + newer);
      }
    }
  }

  @Test
  void aDownloadThatBreaksOffResumesWhereItStopped() throws IOException {
    String bucket = S3.newBucket("resume");
    byte[] big =
        new byte[40 * 1024 * 1024]; // more than socket buffers hold: the cut lands mid-body
    new SplittableRandom(7).nextBytes(big);
    SnapshotName snap = new SnapshotName(G, 1);
    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", S3.port());
        S3ReplicaStore store =
            S3ReplicaStore.open(
                new S3Target(
                    bucket,
                    "db",
                    null,
                    URI.create("http://127.0.0.1:" + proxy.port()),
                    true,
                    false,
                    good()))) {
      store.write(snap, Instant.now(), out -> out.write(big));
      int connections = proxy.accepted();
      try (InputStream in = store.open(snap.path())) {
        byte[] head = in.readNBytes(1000);
        proxy.cutAll(); // the connection under the download dies
        byte[] rest = in.readAllBytes();
        byte[] all = new byte[head.length + rest.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(rest, 0, all, head.length, rest.length);
        assertArrayEquals(big, all);
      }
      assertTrue(proxy.cuts() >= 1, "the connection was cut");
      assertTrue(proxy.accepted() > connections, "and the rest came on a new one");
    }
  }

  @Test
  void failuresAreOneLineNamingTheCauseAndNeverTheKeys() throws IOException {
    String bucket = S3.newBucket("errors");
    String wrongSecret = "wrong/secret/Zq8cR1dH9tXy2LmN4bVw7uEk";
    assertError(
        "the secret access key does not match the access key (credentials from the test; SignatureDoesNotMatch)",
        target(bucket, "db", S3Credentials.of(S3.accessKey(), wrongSecret, null, "the test")),
        wrongSecret);
    assertError(
        "the server does not know the access key (credentials from the test; InvalidAccessKeyId)",
        target(
            bucket, "db", S3Credentials.of("AKIANOSUCHKEY0000000", wrongSecret, null, "the test")),
        wrongSecret);
    assertError(
        "bucket \"no-such-bucket\" does not exist at "
            + S3.endpoint()
            + " (create it, or fix bucket:)",
        target("no-such-bucket", "db", good()),
        S3.secretKey());
    int closed = S3Proxy.freePort();
    S3Target down =
        new S3Target(
            bucket, "db", null, URI.create("http://127.0.0.1:" + closed), true, false, good());
    String m = message(down);
    assertTrue(
        m.startsWith(
            "s3://"
                + bucket
                + "/db/generations: list: cannot connect to http://127.0.0.1:"
                + closed),
        m);
  }

  private static void assertError(String problem, S3Target t, String secret) {
    String m = message(t);
    assertEquals(t.location() + "/generations: list: " + problem, m);
    assertFalse(m.contains(secret));
  }

  private static String message(S3Target t) {
    S3Options fast =
        S3Options.defaults().withRetry(2, new Backoff(Duration.ofMillis(1), Duration.ofMillis(2)));
    try (S3ReplicaStore store = S3ReplicaStore.open(t, fast)) {
      String m = assertThrows(IOException.class, store::generations).getMessage();
      assertFalse(m.contains("\n"), m);
      assertFalse(m.contains(t.credentials().secretAccessKey()), m);
      return m;
    }
  }
}
