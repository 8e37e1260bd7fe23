// What the agent benchmarks share (LagBench, ManyBench, S3Bench): replica-server,: the writer that commits marked rows at a
// rate, the watcher that finds those rows in the WAL segments a replica receives, and the agent's
// CPU and memory read from /proc. Compiled together with each benchmark by its launcher script.

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import net.jpountz.lz4.LZ4FrameInputStream;

final class BenchKit {
  private BenchKit() {}

  // ---- the rows ----------------------------------------------------------------------------

  /**
   * Each committed row's payload starts with a 24-byte mark: 8 magic bytes, the row's sequence
   * number, and its complement. Random payload bytes, WAL frame headers and B-tree bytes match all
   * 24 only by chance 2^-128 per position, so a mark found is a row, never noise.
   */
  static final class Mark {
    static final long MAGIC = 0x5753_4D4B_2152_4F57L; // "WSMK!ROW"
    static final int LENGTH = 24;
    private static final byte FIRST = (byte) (MAGIC >>> 56);

    private Mark() {}

    static void put(byte[] payload, long seq) {
      ByteBuffer.wrap(payload).putLong(MAGIC).putLong(seq).putLong(~seq);
    }

    /** The highest sequence number marked in {@code b}, at most {@code limit}; 0 when none. */
    static int maxSeq(byte[] b, int limit) {
      ByteBuffer buf = ByteBuffer.wrap(b);
      int max = 0;
      for (int i = 0; i + LENGTH <= b.length; i++) {
        if (b[i] == FIRST && buf.getLong(i) == MAGIC) {
          long seq = buf.getLong(i + 8);
          if (buf.getLong(i + 16) == ~seq && seq > 0 && seq <= limit) {
            max = Math.max(max, (int) seq);
          }
        }
      }
      return max;
    }
  }

  // ---- replica-server --------------------------------------------------------------------------

  /**
   * replica-server in its own process ({@code scripts/replica-server serve}) on a free loopback
   * port, with one user {@code bench} (a fresh ed25519 key, root {@code work/server-root}, {@code
   * db/} writable); {@code moreYaml} is appended to its configuration.
   */
  record Server(Process process, int port, Path root, Path clientKey, String hostKeyFingerprint, Path log)
      implements AutoCloseable {
    static Server start(Path work, Path repo, String moreYaml) throws Exception {
      Path clientKey = work.resolve("id_ed25519");
      run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", clientKey.toString());
      Path root = work.resolve("server-root");
      Files.createDirectories(root.resolve("db"));
      Path authorized = Files.writeString(work.resolve("authorized_keys"), Files.readString(Path.of(clientKey + ".pub")));
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Path hostKey = work.resolve("ssh_host_ed25519_key");
      Path cfg = Files.writeString(work.resolve("replica-server.yml"), """
          listen: 127.0.0.1:%d
          host-key: %s
          users:
            - name: bench
              root: %s
              authorized-keys: %s
              writable: [db]
          """.formatted(port, hostKey, root, authorized) + moreYaml);
      Path log = work.resolve("replica-server.log");
      Process p = new ProcessBuilder(repo.resolve("scripts/replica-server").toString(), "serve", "-config", cfg.toString())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (true) {
        try (Socket s = new Socket("127.0.0.1", port)) {
          break;
        } catch (IOException e) {
          if (!p.isAlive() || System.nanoTime() > deadline) {
            throw new IllegalStateException("replica-server did not start: " + Files.readString(log));
          }
          Thread.sleep(100);
        }
      }
      String fingerprint = run("ssh-keygen", "-lf", hostKey.toString()).trim().split("\\s+")[1];
      return new Server(p, port, root, clientKey, fingerprint, log);
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      process.waitFor(20, TimeUnit.SECONDS);
      process.destroyForcibly();
    }
  }

  static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
    }
    return out;
  }

  /** How many {@code kind} files ({@code snapshots} or {@code wal}) the replica holds in all generations. */
  static long count(Path replicaDir, String kind) throws IOException {
    Path gens = replicaDir.resolve("generations");
    if (!Files.isDirectory(gens)) {
      return 0;
    }
    long n = 0;
    try (Stream<Path> s = Files.list(gens)) {
      for (Path g : (Iterable<Path>) s::iterator) {
        Path d = g.resolve(kind);
        if (Files.isDirectory(d)) {
          try (Stream<Path> f = Files.list(d)) {
            n += f.filter(x -> x.toString().endsWith(".lz4")).count();
          }
        }
      }
    }
    return n;
  }

  static Connection openDb(Path db) throws Exception {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=NORMAL");
      s.execute("PRAGMA busy_timeout=5000");
      s.execute("create table if not exists t(seq integer primary key, payload blob)");
    }
    return c;
  }

  /** Commits {@code count} marked rows from {@code first} at {@code rate}/s (0: flat out). */
  static void write(Connection c, int first, int count, int rate, long[] committed) throws Exception {
    SplittableRandom random = new SplittableRandom(first);
    try (PreparedStatement p = c.prepareStatement("insert into t(seq, payload) values(?, ?)")) {
      long t0 = System.nanoTime();
      for (int i = 0; i < count; i++) {
        if (rate > 0) {
          long due = t0 + i * 1_000_000_000L / rate;
          long wait;
          while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(Math.min(wait, 200_000));
          }
        }
        int seq = first + i;
        insert(p, seq, random);
        committed[seq] = System.nanoTime();
      }
    }
  }

  /** One marked row of 124 to 223 bytes, the rest random. */
  static void insert(PreparedStatement p, int seq, SplittableRandom random) throws Exception {
    byte[] payload = new byte[Mark.LENGTH + 100 + random.nextInt(100)];
    for (int i = Mark.LENGTH; i < payload.length; i++) {
      payload[i] = (byte) random.nextInt(256);
    }
    Mark.put(payload, seq);
    p.setInt(1, seq);
    p.setBytes(2, payload);
    p.executeUpdate();
  }

  /** The lags of commits {@code [from, to]} in ascending order, and how many were never seen. */
  record Lags(long[] sortedNanos, int missing) {
    static Lags of(long[] committed, long[] seen, int from, int to) {
      long[] lags = new long[to - from + 1];
      int k = 0;
      int missing = 0;
      for (int seq = from; seq <= to; seq++) {
        if (seen[seq] == 0) {
          missing++;
        } else {
          lags[k++] = Math.max(0, seen[seq] - committed[seq]);
        }
      }
      lags = Arrays.copyOf(lags, k);
      Arrays.sort(lags);
      return new Lags(lags, missing);
    }

    /** The {@code p}th percentile in milliseconds (100: the maximum); NaN when none was seen. */
    double ms(double p) {
      if (sortedNanos.length == 0) {
        return Double.NaN;
      }
      int i = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
      return sortedNanos[Math.max(0, Math.min(i, sortedNanos.length - 1))] / 1e6;
    }
  }

  /** Waits until {@code seen[seq]} is set, at most {@code seconds}. */
  static void awaitSeen(long[] seen, int seq, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (seen[seq] == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  // ---- the agent process -------------------------------------------------------------------

  /** CPU seconds (user + system) the process has used so far. */
  static double cpuSeconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime (fields 14, 15)
  }

  /** The process's peak resident set size in kB (VmHWM). */
  static long peakRssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  static void stopAgent(Process p) throws Exception {
    if (p == null) {
      return;
    }
    p.destroy();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
    }
  }

  static String ms(double v) {
    return Double.isNaN(v) ? "–" : v >= 100 ? String.format("%.0f ms", v) : String.format("%.1f ms", v);
  }

  static String ratio(double a, double b) {
    return b == 0 || Double.isNaN(a) || Double.isNaN(b) ? "–" : String.format("%.2f", a / b);
  }

  // ---- the replica side --------------------------------------------------------------------

  /** The entries of {@code dir}, sorted (segment names sort in shipping order). */
  static List<Path> sortedEntries(Path dir) throws IOException {
    try (Stream<Path> f = Files.list(dir)) {
      return f.sorted().toList();
    }
  }

  /**
   * Watches a replica's WAL directories ({@code <root>/generations/<g>/wal}) on local disk and
   * records when each commit's row first appears in a whole segment, through WatchService. A WAL
   * directory is listed once, when it is registered (files written before that); after that only
   * its events count, and it is listed again only when events were lost (OVERFLOW). A segment that
   * does not decompress yet (a writer that creates a file before it is whole) is read again every
   * {@code pollMillis} until it does. New generations' WAL directories are looked for at every
   * wake-up, at least every {@code pollMillis} (a listing of {@code generations}). Listing every
   * segment after every event had made the watcher itself slower as segments piled up (quadratic),
   * and so added its own delay to the seen times. Segments of an index arrive in order, so a segment holding row N means every
   * commit up to N is on the replica.
   */
  static final class SegmentWatcher implements AutoCloseable {
    private final Path root;
    private final long[] seen;
    private final long pollMillis;
    private final WatchService ws;
    private final Set<Path> done = new HashSet<>();
    private final Set<Path> registered = new HashSet<>();
    private final Set<Path> partial = new LinkedHashSet<>();
    private final Thread thread;
    private volatile boolean running = true;
    private int upTo;

    SegmentWatcher(Path root, long[] seen, long pollMillis) throws IOException {
      this.root = root;
      this.seen = seen;
      this.pollMillis = pollMillis;
      this.ws = root.getFileSystem().newWatchService();
      scan();
      thread = new Thread(this::loop, "watcher");
      thread.setDaemon(true);
      thread.start();
    }

    private void loop() {
      while (running) {
        try {
          WatchKey k = ws.poll(pollMillis, TimeUnit.MILLISECONDS);
          if (k != null) {
            Path d = (Path) k.watchable();
            boolean lost = false;
            for (WatchEvent<?> e : k.pollEvents()) {
              if (e.kind() == StandardWatchEventKinds.OVERFLOW) {
                lost = true;
              } else if (e.context() instanceof Path p) {
                consider(d.resolve(p));
              }
            }
            k.reset();
            if (lost) {
              for (Path wal : registered) {
                list(wal);
              }
            }
          }
          for (Path p : new ArrayList<>(partial)) {
            consider(p);
          }
          scan();
        } catch (ClosedWatchServiceException | InterruptedException e) {
          return;
        } catch (IOException e) {
          // a file vanished between listing and reading: the next scan sees the state
        }
      }
    }

    private void scan() throws IOException {
      Path gens = root.resolve("generations");
      if (!Files.isDirectory(gens)) {
        return;
      }
      try (Stream<Path> s = Files.list(gens)) {
        for (Path g : (Iterable<Path>) s::iterator) {
          Path wal = g.resolve("wal");
          if (Files.isDirectory(wal) && registered.add(wal)) {
            wal.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            list(wal); // what was written before the registration
          }
        }
      }
    }

    private void list(Path wal) throws IOException {
      for (Path p : sortedEntries(wal)) {
        consider(p);
      }
    }

    private void consider(Path p) {
      if (!p.getFileName().toString().endsWith(".wal.lz4") || done.contains(p)) {
        return;
      }
      long now = System.nanoTime();
      byte[] b;
      try (InputStream in = new LZ4FrameInputStream(Files.newInputStream(p))) {
        b = in.readAllBytes();
      } catch (NoSuchFileException gone) {
        partial.remove(p);
        return;
      } catch (IOException notWhole) {
        partial.add(p); // read again on the next round, or at its next event
        return;
      }
      partial.remove(p);
      done.add(p);
      int max = Mark.maxSeq(b, seen.length - 1);
      for (int s = upTo + 1; s <= max; s++) {
        seen[s] = now;
      }
      upTo = Math.max(upTo, max);
    }

    @Override
    public void close() throws Exception {
      running = false;
      ws.close();
      thread.join();
    }
  }
}
