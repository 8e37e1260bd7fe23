package dev.walship.agent.sftp;

import dev.walship.format.layout.Generation;
import dev.walship.format.layout.SnapshotName;
import dev.walship.format.store.Entry;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Run in its own JVM (see {@link SftpReplicaStoreTest}): uploads a snapshot of {@code size} MiB
 * through an {@link SftpReplicaStore} and downloads it again, comparing SHA-256 digests. With a
 * heap smaller than the file it proves that neither direction holds the file in memory; its timing
 * lines are the throughput measurement quoted in the report.
 *
 * <p>Arguments: host port user private-key host-key-fingerprint remote-root size-MiB [rounds]
 * (several rounds measure a warm JVM; every round is checked). Prints {@code upload <bytes>
 * <seconds> <MB/s>}, {@code download …}, then {@code OK} (exit 0), or a mismatch (exit 1).
 */
public final class StreamingProbe {
  private static final int BLOCK = 1 << 20;

  private StreamingProbe() {}

  public static void main(String[] args) throws Exception {
    SftpTarget target =
        new SftpTarget(
            args[0],
            Integer.parseInt(args[1]),
            args[2],
            null,
            args[5],
            Path.of(args[3]),
            null,
            args[4],
            null);
    long size = Long.parseLong(args[6]) * BLOCK;
    SnapshotName name = new SnapshotName(Generation.parse("00000000000000aa"), 1);
    int rounds = args.length > 7 ? Integer.parseInt(args[7]) : 1;
    try (SftpReplicaStore store = SftpReplicaStore.open(target, SftpOptions.defaults())) {
      store.checkAccess();
      for (int r = 1; r <= rounds; r++) {
        round(store, name, size);
      }
    }
  }

  private static void round(SftpReplicaStore store, SnapshotName name, long size) throws Exception {
    MessageDigest sent = MessageDigest.getInstance("SHA-256");
    long t0 = System.nanoTime();
    Entry e = store.write(name, Instant.now(), out -> writeContent(out, size, sent));
    report("upload", e.size(), System.nanoTime() - t0);
    MessageDigest got = MessageDigest.getInstance("SHA-256");
    long t1 = System.nanoTime();
    long n = 0;
    try (InputStream in = store.open(name)) {
      byte[] buf = new byte[64 * 1024];
      for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
        got.update(buf, 0, r);
        n += r;
      }
    }
    report("download", n, System.nanoTime() - t1);
    String a = HexFormat.of().formatHex(sent.digest());
    String b = HexFormat.of().formatHex(got.digest());
    if (e.size() != size || n != size || !a.equals(b)) {
      System.out.println(
          "MISMATCH size " + size + " stored " + e.size() + " read " + n + " " + a + " " + b);
      System.exit(1);
    }
    System.out.println("OK " + a);
  }

  /** {@code size} bytes: 1 MiB blocks of random bytes, each stamped with its number. */
  private static void writeContent(OutputStream out, long size, MessageDigest digest)
      throws java.io.IOException {
    digest.reset();
    byte[] block = new byte[BLOCK];
    new SplittableRandom(7).nextBytes(block);
    for (long i = 0; i * BLOCK < size; i++) {
      for (int k = 0; k < 8; k++) {
        block[k] = (byte) (i >>> (8 * k));
      }
      int len = (int) Math.min(BLOCK, size - i * BLOCK);
      digest.update(block, 0, len);
      out.write(block, 0, len);
    }
  }

  private static void report(String what, long bytes, long nanos) {
    double s = nanos / 1e9;
    System.out.printf("%s %d bytes %.2f s %.1f MB/s%n", what, bytes, s, bytes / 1e6 / s);
  }
}
