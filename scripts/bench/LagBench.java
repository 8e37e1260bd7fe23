// Commit-to-replica lag of walship vs Litestream v0.3.13 over SFTP to replica-server (see ./lag).
// Run by scripts/bench/lag as a single-file program on the replicator jar's class path (sqlite-jdbc,
// lz4-java). Not a test: it measures and prints one Markdown table.

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import net.jpountz.lz4.LZ4FrameInputStream;

public class LagBench {
  static final byte[] MARK = {'W', 'S', 'M', 'K'};

  static Path work;
  static Path repo;
  static Path litestream;
  static int serverPort;
  static Path serverRoot;
  static String hostKeyFingerprint;
  static Path clientKey;
  static int seconds = 20;
  static int warmupSeconds = 15;
  static int throughputSeconds = 5;
  static int throughputRounds = 3;
  static int[] rates = {100, 1000};
  static List<String> tools = List.of("walship", "litestream", "walship-1s", "walship-file");
  static List<String> throughputTools = List.of("none", "walship", "litestream", "walship-1s");

  /** One measured run. */
  record Run(String tool, int rate, long[] lagNanos, int missing, double cpuSeconds, long peakRssKb, int commits) {}

  public static void main(String[] args) throws Exception {
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--work" -> work = Path.of(args[i + 1]);
        case "--repo" -> repo = Path.of(args[i + 1]);
        case "--litestream" -> litestream = Path.of(args[i + 1]);
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--warmup-seconds" -> warmupSeconds = Integer.parseInt(args[i + 1]);
        case "--throughput-seconds" -> throughputSeconds = Integer.parseInt(args[i + 1]);
        case "--throughput-rounds" -> throughputRounds = Integer.parseInt(args[i + 1]);
        case "--rates" -> rates = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--tools" -> tools = List.of(args[i + 1].split(","));
        case "--throughput-tools" -> throughputTools = List.of(args[i + 1].split(","));
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Files.createDirectories(work);
    Process server = startServer();
    try {
      Map<String, Run> runs = new LinkedHashMap<>();
      for (int rate : rates) {
        for (String tool : tools) {
          Run r = lagRun(tool, rate);
          runs.put(tool + "@" + rate, r);
          System.err.printf("%s at %d/s: p50 %.1f ms, p99 %.1f ms, max %.1f ms, missing %d, cpu %.2f s, rss %d MB%n",
              tool, rate, pct(r, 50), pct(r, 99), pct(r, 100), r.missing(), r.cpuSeconds(), r.peakRssKb() / 1024);
        }
      }
      Map<String, Double> tput = throughput();
      if (!tools.containsAll(List.of("walship", "litestream")) || !tput.keySet().containsAll(List.of("none", "walship", "litestream"))) {
        return; // a partial run (profiling): no table
      }
      System.out.println(table(runs, tput));
    } finally {
      server.destroy();
      server.waitFor(20, TimeUnit.SECONDS);
      server.destroyForcibly();
    }
  }

  // ---- setup ---------------------------------------------------------------------------------

  static Process startServer() throws Exception {
    clientKey = work.resolve("id_ed25519");
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", clientKey.toString());
    serverRoot = work.resolve("server-root");
    Files.createDirectories(serverRoot.resolve("db"));
    Path authorized = Files.writeString(work.resolve("authorized_keys"), Files.readString(Path.of(clientKey + ".pub")));
    try (ServerSocket s = new ServerSocket(0)) {
      serverPort = s.getLocalPort();
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
        """.formatted(serverPort, hostKey, serverRoot, authorized));
    Process p = new ProcessBuilder(repo.resolve("scripts/replica-server").toString(), "serve", "-config", cfg.toString())
        .redirectErrorStream(true).redirectOutput(work.resolve("replica-server.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      try (Socket s = new Socket("127.0.0.1", serverPort)) {
        break;
      } catch (IOException e) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("replica-server did not start: " + Files.readString(work.resolve("replica-server.log")));
        }
        Thread.sleep(100);
      }
    }
    hostKeyFingerprint = run("ssh-keygen", "-lf", hostKey.toString()).trim().split("\\s+")[1];
    return p;
  }

  static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
    }
    return out;
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

  /** Starts the agent for {@code db}; returns null for "none". */
  static Process startAgent(String tool, Path dir, Path db, String replicaPath) throws Exception {
    if (tool.equals("none")) {
      return null;
    }
    Path cfg = dir.resolve(tool + ".yml");
    String common = (System.getenv("LAG_AGENT_DEBUG") != null ? "logging:\n  level: debug\n" : "") + """
        dbs:
          - path: %s
            replicas:
              - type: sftp
                host: 127.0.0.1:%d
                user: bench
                key-path: %s
                path: %s
        """.formatted(db, serverPort, clientKey, replicaPath);
    List<String> cmd;
    if (tool.equals("walship-file")) { // the same agent to a local directory: no network, no server
      Files.writeString(cfg, "dbs:\n  - path: " + db + "\n    replicas:\n      - path: "
          + serverRoot.resolve(replicaPath.substring(1)) + "\n");
      cmd = List.of(repo.resolve("scripts/replicator").toString(), "replicate", "-config", cfg.toString());
    } else if (tool.startsWith("walship")) {
      Files.writeString(cfg, common + "        host-key: " + hostKeyFingerprint + "\n"
          + (tool.equals("walship-1s") ? "        sync-interval: 1s\n" : ""));
      cmd = List.of(repo.resolve("scripts/replicator").toString(), "replicate", "-config", cfg.toString());
    } else {
      Files.writeString(cfg, common);
      cmd = List.of(litestream.toString(), "replicate", "-config", cfg.toString());
    }
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(tool + ".log").toFile()).start();
  }

  static void stopAgent(Process p) throws Exception {
    if (p == null) {
      return;
    }
    p.destroy();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
    }
  }

  /** Waits until the replica directory holds a snapshot and a WAL segment. */
  static void awaitReplica(Path replicaDir, Process agent, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (count(replicaDir, "snapshots") > 0 && count(replicaDir, "wal") > 0) {
        return;
      }
      if (!agent.isAlive()) {
        break;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("no snapshot on " + replicaDir + ": " + Files.readString(log));
  }

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

  // ---- the measured runs ---------------------------------------------------------------------

  static Run lagRun(String tool, int rate) throws Exception {
    Path dir = Files.createDirectories(work.resolve(tool + "-" + rate));
    Path db = dir.resolve("app.db");
    String name = tool + "-" + rate;
    Path replicaDir = serverRoot.resolve("db").resolve(name);
    int warm = rate * warmupSeconds;
    int n = rate * seconds;
    long[] committed = new long[warm + n + 1];
    long[] seen = new long[warm + n + 1];
    try (Connection c = openDb(db)) {
      write(c, 1, 1, 0, committed); // the database exists before the agent starts
      Process agent = startAgent(tool, dir, db, "/db/" + name);
      try {
        awaitReplica(replicaDir, agent, dir.resolve(tool + ".log"));
        try (Watcher w = new Watcher(replicaDir, seen)) {
          write(c, 2, warm - 1, rate, committed); // warm-up (rows 2..warm), not counted
          long cpu0 = cpuTicks(agent.pid());
          write(c, warm + 1, n, rate, committed);
          long last = warm + n;
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          while (seen[(int) last] == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
          }
          long cpu1 = cpuTicks(agent.pid());
          long rss = peakRssKb(agent.pid());
          long[] lags = new long[n];
          int missing = 0;
          int k = 0;
          for (int seq = warm + 1; seq <= last; seq++) {
            if (seen[seq] == 0) {
              missing++;
            } else {
              lags[k++] = Math.max(0, seen[seq] - committed[seq]);
            }
          }
          lags = Arrays.copyOf(lags, k);
          Arrays.sort(lags);
          return new Run(tool, rate, lags, missing, (cpu1 - cpu0) / 100.0, rss, n);
        }
      } finally {
        stopAgent(agent);
      }
    }
  }

  /**
   * The writer's unthrottled commits/s with each agent: {@code throughputRounds} rounds, the
   * tools in a different order each round (2 vCPUs are noisy), the median per tool.
   */
  static Map<String, Double> throughput() throws Exception {
    Map<String, List<Double>> all = new LinkedHashMap<>();
    for (int round = 0; throughputSeconds > 0 && round < throughputRounds; round++) {
      List<String> order = new ArrayList<>(throughputTools);
      java.util.Collections.rotate(order, round);
      for (String tool : order) {
        double v = throughputRun(tool, round);
        all.computeIfAbsent(tool, k -> new ArrayList<>()).add(v);
        System.err.printf("writer unthrottled with %s (round %d): %.0f commits/s%n", tool, round + 1, v);
      }
    }
    Map<String, Double> median = new LinkedHashMap<>();
    all.forEach((tool, v) -> {
      List<Double> sorted = v.stream().sorted().toList();
      median.put(tool, sorted.get(sorted.size() / 2));
    });
    return median;
  }

  static double throughputRun(String tool, int round) throws Exception {
    Path dir = Files.createDirectories(work.resolve("tput-" + tool + "-" + round));
    Path db = dir.resolve("app.db");
    try (Connection c = openDb(db)) {
      long[] committed = new long[1 << 22];
      write(c, 1, 1, 0, committed);
      String name = "tput-" + tool + "-" + round;
      Process agent = startAgent(tool, dir, db, "/db/" + name);
      try {
        if (agent != null) {
          awaitReplica(serverRoot.resolve("db").resolve(name), agent, dir.resolve(tool + ".log"));
        }
        int seq = 2;
        try (PreparedStatement p = c.prepareStatement("insert into t(seq, payload) values(?, ?)")) {
          SplittableRandom random = new SplittableRandom(seq);
          long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds / 3 + 1);
          while (System.nanoTime() < warmEnd) { // warm-up under the same load, not counted
            insert(p, seq++, random);
          }
          long t0 = System.nanoTime();
          long end = t0 + TimeUnit.SECONDS.toNanos(throughputSeconds);
          int done = 0;
          while (System.nanoTime() < end) {
            insert(p, seq++, random);
            done++;
          }
          return done / ((System.nanoTime() - t0) / 1e9);
        }
      } finally {
        stopAgent(agent);
      }
    }
  }

  /** Commits {@code count} transactions from {@code first} at {@code rate}/s (0: flat out). */
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

  static void insert(PreparedStatement p, int seq, SplittableRandom random) throws Exception {
    byte[] payload = new byte[12 + 100 + random.nextInt(100)];
    ByteBuffer.wrap(payload).put(MARK).putLong(seq);
    for (int i = 12; i < payload.length; i++) {
      payload[i] = (byte) random.nextInt(256);
    }
    p.setInt(1, seq);
    p.setBytes(2, payload);
    p.executeUpdate();
  }

  // ---- process accounting ----------------------------------------------------------------

  static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
  }

  static long peakRssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  // ---- the replica side --------------------------------------------------------------------

  /**
   * Watches the replica's WAL directories on the server's disk (inotify through WatchService,
   * plus a 50 ms listing as a safety net) and records when each commit's row first appears in a
   * finished segment. Segments of an index arrive in order, so a segment holding row N means every
   * commit up to N is on the replica.
   */
  static final class Watcher implements AutoCloseable {
    private final Path replicaDir;
    private final long[] seen;
    private final WatchService ws;
    private final Set<Path> done = new HashSet<>();
    private final Set<Path> registered = new HashSet<>();
    private final Thread thread;
    private volatile boolean running = true;
    private int upTo;

    Watcher(Path replicaDir, long[] seen) throws IOException {
      this.replicaDir = replicaDir;
      this.seen = seen;
      this.ws = replicaDir.getFileSystem().newWatchService();
      scan();
      thread = new Thread(this::loop, "watcher");
      thread.setDaemon(true);
      thread.start();
    }

    private void loop() {
      while (running) {
        try {
          WatchKey k = ws.poll(50, TimeUnit.MILLISECONDS);
          if (k != null) {
            Path d = (Path) k.watchable();
            for (WatchEvent<?> e : k.pollEvents()) {
              if (e.context() instanceof Path p) {
                consider(d.resolve(p));
              }
            }
            k.reset();
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
      Path gens = replicaDir.resolve("generations");
      if (!Files.isDirectory(gens)) {
        return;
      }
      try (Stream<Path> s = Files.list(gens)) {
        for (Path g : (Iterable<Path>) s::iterator) {
          Path wal = g.resolve("wal");
          if (Files.isDirectory(wal) && registered.add(wal)) {
            wal.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
          }
          if (Files.isDirectory(wal)) {
            try (Stream<Path> f = Files.list(wal)) {
              for (Path p : (Iterable<Path>) f.sorted()::iterator) {
                consider(p);
              }
            }
          }
        }
      }
    }

    private void consider(Path p) throws IOException {
      if (!p.getFileName().toString().endsWith(".wal.lz4") || !done.add(p)) {
        return;
      }
      long now = System.nanoTime();
      byte[] b;
      try (InputStream in = new LZ4FrameInputStream(Files.newInputStream(p))) {
        b = in.readAllBytes();
      }
      int max = 0;
      for (int i = 0; i + 12 <= b.length; i++) {
        if (b[i] == 'W' && b[i + 1] == 'S' && b[i + 2] == 'M' && b[i + 3] == 'K') {
          long seq = ByteBuffer.wrap(b, i + 4, 8).getLong();
          if (seq > 0 && seq < seen.length) {
            max = Math.max(max, (int) seq);
          }
        }
      }
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

  // ---- output ------------------------------------------------------------------------------

  static double pct(Run r, double p) {
    if (r.lagNanos().length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100.0 * r.lagNanos().length) - 1;
    return r.lagNanos()[Math.max(0, Math.min(i, r.lagNanos().length - 1))] / 1e6;
  }

  static String ms(double v) {
    return v >= 100 ? String.format("%.0f ms", v) : String.format("%.1f ms", v);
  }

  static String ratio(double a, double b) {
    return b == 0 || Double.isNaN(a) || Double.isNaN(b) ? "–" : String.format("%.3f", a / b);
  }

  static final Map<String, String> HEADINGS = new LinkedHashMap<>();

  static {
    HEADINGS.put("walship", "walship (defaults: sync-interval 0)");
    HEADINGS.put("litestream", "Litestream v0.3.13 (defaults: sync-interval 1s)");
    HEADINGS.put("walship-1s", "walship, sync-interval 1s");
    HEADINGS.put("walship-file", "walship to file:// (no network, no server)");
  }

  /** Rows are measures; columns the tools measured; the ratio is walship / Litestream. */
  static String table(Map<String, Run> runs, Map<String, Double> tput) {
    List<String> cols = HEADINGS.keySet().stream().filter(tools::contains).toList();
    StringBuilder t = new StringBuilder("| measure |");
    cols.forEach(c -> t.append(' ').append(HEADINGS.get(c)).append(" |"));
    t.append(" walship / Litestream |\n|---|").append("---|".repeat(cols.size() + 1)).append('\n');
    for (int rate : rates) {
      for (double p : new double[] {50, 99, 100}) {
        String label = p == 100 ? "max" : "p" + (int) p;
        row(t, "commit-to-replica lag " + label + " at " + rate + " commits/s", cols, c -> ms(pct(runs.get(c + "@" + rate), p)),
            ratio(pct(runs.get("walship@" + rate), p), pct(runs.get("litestream@" + rate), p)));
      }
      Run w = runs.get("walship@" + rate);
      Run l = runs.get("litestream@" + rate);
      row(t, "commits not on the replica 30 s after the last, at " + rate + "/s (of " + w.commits() + ")", cols,
          c -> Integer.toString(runs.get(c + "@" + rate).missing()), "");
      row(t, "agent CPU seconds for those " + w.commits() + " commits at " + rate + "/s", cols,
          c -> String.format("%.2f", runs.get(c + "@" + rate).cpuSeconds()), ratio(w.cpuSeconds(), l.cpuSeconds()));
      row(t, "agent peak RSS, run at " + rate + "/s", cols, c -> runs.get(c + "@" + rate).peakRssKb() / 1024 + " MB",
          ratio(w.peakRssKb(), l.peakRssKb()));
    }
    double none = tput.get("none");
    row(t, String.format("writer commits/s, unthrottled, median of %d rounds (no agent: %.0f/s)", throughputRounds, none), cols,
        c -> tput.containsKey(c) ? String.format("%.0f (%.2f×)", tput.get(c), tput.get(c) / none) : "–",
        ratio(tput.get("walship"), tput.get("litestream")));
    return t.toString();
  }

  static void row(StringBuilder t, String label, List<String> cols, java.util.function.Function<String, String> cell, String ratio) {
    t.append("| ").append(label).append(" |");
    for (String c : cols) {
      t.append(' ').append(cell.apply(c)).append(" |");
    }
    t.append(' ').append(ratio).append(" |\n");
  }
}
