// Many databases in one agent: walship vs Litestream v0.3.13 over SFTP to one replica-server (see
// ./many). Run by scripts/bench/many as a single-file program on the replicator jar's class path
// (sqlite-jdbc, lz4-java, the agent's restore). Not a test: it measures and prints one Markdown table.

import dev.walship.agent.config.ReplicaTiming;
import dev.walship.agent.config.SftpReplicaConfig;
import dev.walship.agent.restore.RestorePlanner;
import dev.walship.agent.restore.RestoreSettings;
import dev.walship.agent.restore.RestoreTarget;
import dev.walship.agent.restore.Restorer;
import dev.walship.agent.restore.WalApplier;
import dev.walship.agent.sftp.SftpTarget;
import dev.walship.agent.store.ReplicaStores;
import dev.walship.format.catalog.ReplicaCatalog;
import dev.walship.format.store.ReplicaStore;
import dev.walship.toolkit.time.Ticker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import net.jpountz.lz4.LZ4FrameInputStream;

public class ManyBench {
  static Path work;
  static Path repo;
  static Path litestream;
  static int serverPort;
  static Path serverRoot;
  static String hostKeyFingerprint;
  static Path clientKey;
  static Path serverLog;
  static int seconds = 20;
  static int warmupSeconds = 60;
  static int idleSeconds = 10;
  static List<String> cases = List.of("200x1", "50x10");
  static List<String> tools = List.of("walship", "litestream");

  /** One measured run. */
  record Run(String tool, int dbs, int rate, long[] lagNanos, int missing, int commits, double cpuSeconds,
      double idleCpuSeconds, long peakRssKb, int connections, int generations, int exact) {}

  public static void main(String[] args) throws Exception {
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--work" -> work = Path.of(args[i + 1]);
        case "--repo" -> repo = Path.of(args[i + 1]);
        case "--litestream" -> litestream = Path.of(args[i + 1]);
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--warmup-seconds" -> warmupSeconds = Integer.parseInt(args[i + 1]);
        case "--idle-seconds" -> idleSeconds = Integer.parseInt(args[i + 1]);
        case "--cases" -> cases = List.of(args[i + 1].split(","));
        case "--tools" -> tools = List.of(args[i + 1].split(","));
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Files.createDirectories(work);
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN); // the restores' SSH client in this JVM
    Process server = startServer();
    try {
      Map<String, Run> runs = new LinkedHashMap<>();
      for (String c : cases) {
        int dbs = Integer.parseInt(c.split("x")[0]);
        int rate = Integer.parseInt(c.split("x")[1]);
        for (String tool : tools) {
          Run r = run(tool, dbs, rate);
          runs.put(tool + "@" + c, r);
          System.err.printf("%s %s: p50 %.1f ms, p99 %.1f ms, missing %d, cpu %.2f s, idle cpu %.2f s, rss %d MB,"
              + " connections %d, generations %d, exact %d/%d%n", tool, c, pct(r, 50), pct(r, 99), r.missing(),
              r.cpuSeconds(), r.idleCpuSeconds(), r.peakRssKb() / 1024, r.connections(), r.generations(), r.exact(), dbs);
        }
      }
      if (tools.containsAll(List.of("walship", "litestream"))) {
        System.out.println(table(runs));
      }
    } finally {
      server.destroy();
      server.waitFor(20, TimeUnit.SECONDS);
      server.destroyForcibly();
    }
  }

  // ---- setup ---------------------------------------------------------------------------------

  /**
   * replica-server's defaults, written out: Litestream opens one connection per database, which
   * the default connections-per-user (500) allows; walship shares one.
   */
  static Process startServer() throws Exception {
    BenchKit.Server s = BenchKit.Server.start(work, repo, "limits:\n  connections-per-user: 500\n");
    serverPort = s.port();
    serverRoot = s.root();
    clientKey = s.clientKey();
    hostKeyFingerprint = s.hostKeyFingerprint();
    serverLog = s.log();
    return s.process();
  }

  /** walship: one dir: entry (watched); Litestream v0.3.13 has no dir:, so every path is listed. */
  static Process startAgent(String tool, Path dir, List<Path> dbs, String replicaRoot) throws Exception {
    Path cfg = dir.getParent().resolve(tool + ".yml");
    List<String> cmd;
    if (tool.equals("walship")) {
      Files.writeString(cfg, """
          dbs:
            - dir: %s
              pattern: "*.db"
              watch: true
              replicas:
                - type: sftp
                  host: 127.0.0.1:%d
                  user: bench
                  key-path: %s
                  path: %s
                  host-key: %s
          """.formatted(dir, serverPort, clientKey, replicaRoot, hostKeyFingerprint));
      cmd = List.of(repo.resolve("scripts/replicator").toString(), "replicate", "-config", cfg.toString());
    } else {
      boolean ours = tool.equals("walship-paths"); // walship with a path: per database, as Litestream is given
      StringBuilder y = new StringBuilder("dbs:\n");
      for (Path db : dbs) {
        y.append("""
              - path: %s
                replicas:
                  - type: sftp
                    host: 127.0.0.1:%d
                    user: bench
                    key-path: %s
                    path: %s/%s
            """.formatted(db, serverPort, clientKey, replicaRoot, db.getFileName()));
        if (ours) {
          y.append("        host-key: ").append(hostKeyFingerprint).append('\n');
        }
      }
      Files.writeString(cfg, y.toString());
      cmd = List.of(ours ? repo.resolve("scripts/replicator").toString() : litestream.toString(), "replicate", "-config",
          cfg.toString());
    }
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.getParent().resolve(tool + ".log").toFile()).start();
  }

  // ---- one measured run ----------------------------------------------------------------------

  static Run run(String tool, int n, int rate) throws Exception {
    String name = tool + "-" + n + "x" + rate;
    Path dir = Files.createDirectories(work.resolve(name).resolve("dbs"));
    String replicaRoot = "/db/" + name;
    Path replicas = serverRoot.resolve("db").resolve(name);
    List<Path> dbs = new ArrayList<>();
    List<Connection> conns = new ArrayList<>();
    int warm = rate * warmupSeconds;
    int per = rate * seconds;
    long[][] committed = new long[n][warm + per + 2];
    long[][] seen = new long[n][warm + per + 2];
    try {
      for (int i = 0; i < n; i++) {
        Path db = dir.resolve("tenant-%03d.db".formatted(i));
        dbs.add(db);
        Connection c = BenchKit.openDb(db);
        conns.add(c);
        write(c, 1, new SplittableRandom(i));
      }
      long logins0 = logins();
      Process agent = startAgent(tool, dir, dbs, replicaRoot);
      try {
        awaitReplicas(replicas, dbs, agent, dir.getParent().resolve(tool + ".log"));
        try (Watcher w = new Watcher(replicas, dbs, seen)) {
          writeAll(conns, 2, warm, rate, committed); // warm-up, not counted
          long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          while (!allSeen(seen, warm + 1) && System.nanoTime() < settle) {
            Thread.sleep(10);
          }
          Thread.sleep(2000); // the last uploads and the JIT settle
          long idle0 = cpuTicks(agent.pid());
          Thread.sleep(idleSeconds * 1000L); // every database idle: the cost of being watched
          long idle1 = cpuTicks(agent.pid());
          long cpu0 = cpuTicks(agent.pid());
          writeAll(conns, warm + 2, per, rate, committed);
          int last = warm + per + 1;
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          while (!allSeen(seen, last) && System.nanoTime() < deadline) {
            Thread.sleep(10);
          }
          long cpu1 = cpuTicks(agent.pid());
          long rss = BenchKit.peakRssKb(agent.pid());
          int connections = connections(agent.pid());
          long[] lags = new long[n * per];
          int k = 0;
          int missing = 0;
          for (int d = 0; d < n; d++) {
            for (int seq = warm + 2; seq <= last; seq++) {
              if (seen[d][seq] == 0) {
                missing++;
              } else {
                lags[k++] = Math.max(0, seen[d][seq] - committed[d][seq]);
              }
            }
          }
          lags = Arrays.copyOf(lags, k);
          Arrays.sort(lags);
          BenchKit.stopAgent(agent);
          System.err.printf("%s: %d login(s) during the run%n", name, logins() - logins0);
          int exact = restoreAll(tool, dbs, replicaRoot, dir.getParent());
          return new Run(tool, n, rate, lags, missing, n * per, (cpu1 - cpu0) / 100.0, (idle1 - idle0) / 100.0, rss,
              connections, generations(replicas), exact);
        }
      } finally {
        if (agent.isAlive()) {
          BenchKit.stopAgent(agent);
        }
      }
    } finally {
      for (Connection c : conns) {
        c.close();
      }
    }
  }

  static boolean allSeen(long[][] seen, int last) {
    for (long[] s : seen) {
      if (s[last] == 0) {
        return false;
      }
    }
    return true;
  }

  /** Commits one row to each database {@code count} times, each database {@code rate} times a second, spread evenly. */
  static void writeAll(List<Connection> conns, int first, int count, int rate, long[][] committed) throws Exception {
    int n = conns.size();
    List<PreparedStatement> ps = new ArrayList<>();
    for (Connection c : conns) {
      ps.add(c.prepareStatement("insert into t(seq, payload) values(?, ?)"));
    }
    SplittableRandom random = new SplittableRandom(first);
    long t0 = System.nanoTime();
    long step = 1_000_000_000L / ((long) rate * n);
    for (int i = 0; i < count; i++) {
      for (int d = 0; d < n; d++) {
        long due = t0 + ((long) i * n + d) * step;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(Math.min(wait, 200_000));
        }
        int seq = first + i;
        insert(ps.get(d), seq, random);
        committed[d][seq] = System.nanoTime();
      }
    }
    for (PreparedStatement p : ps) {
      p.close();
    }
  }

  static void write(Connection c, int seq, SplittableRandom random) throws Exception {
    try (PreparedStatement p = c.prepareStatement("insert into t(seq, payload) values(?, ?)")) {
      insert(p, seq, random);
    }
  }

  static void insert(PreparedStatement p, int seq, SplittableRandom random) throws Exception {
    byte[] payload = new byte[12 + 100 + random.nextInt(100)];
    ByteBuffer.wrap(payload).put(new byte[] {'W', 'S', 'M', 'K'}).putLong(seq);
    for (int i = 12; i < payload.length; i++) {
      payload[i] = (byte) random.nextInt(256);
    }
    p.setInt(1, seq);
    p.setBytes(2, payload);
    p.executeUpdate();
  }

  /** Waits until every database's replica holds a snapshot. */
  static void awaitReplicas(Path replicas, List<Path> dbs, Process agent, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (System.nanoTime() < deadline) {
      int ready = 0;
      for (Path db : dbs) {
        if (BenchKit.count(replicas.resolve(db.getFileName().toString()), "snapshots") > 0) {
          ready++;
        }
      }
      if (ready == dbs.size()) {
        return;
      }
      if (!agent.isAlive()) {
        break;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("not every database reached " + replicas + ": " + Files.readString(log));
  }

  static int generations(Path replicas) throws IOException {
    int n = 0;
    try (Stream<Path> s = Files.list(replicas)) {
      for (Path r : (Iterable<Path>) s::iterator) {
        Path g = r.resolve("generations");
        if (Files.isDirectory(g)) {
          try (Stream<Path> f = Files.list(g)) {
            n += (int) f.count();
          }
        }
      }
    }
    return n;
  }

  // ---- restores --------------------------------------------------------------------------------

  /** Restores every database (walship's with its restore code in this JVM, Litestream's with its CLI); counts exact ones. */
  static int restoreAll(String tool, List<Path> dbs, String replicaRoot, Path dir) throws Exception {
    Path out = Files.createDirectories(dir.resolve("restored"));
    int exact = 0;
    ReplicaStores stores = ReplicaStores.defaults();
    for (Path db : dbs) {
      Path restored = out.resolve(db.getFileName());
      String replicaPath = replicaRoot + "/" + db.getFileName();
      if (tool.startsWith("walship")) {
        SftpTarget t = new SftpTarget("127.0.0.1", serverPort, "bench", null, replicaPath, clientKey, null,
            hostKeyFingerprint, null);
        try (ReplicaStore store = stores.open(new SftpReplicaConfig("sftp", t, ReplicaTiming.DEFAULTS))) {
          new Restorer(store, new RestoreSettings(2, WalApplier.Mode.PAGES, new PrintStream(new ByteArrayOutputStream()),
              Duration.ofMinutes(1), Ticker.SYSTEM))
              .restore(RestorePlanner.plan(ReplicaCatalog.load(store), RestoreTarget.LATEST), restored);
        }
      } else {
        try {
          BenchKit.run(litestream.toString(), "restore", "-config", dir.resolve("litestream.yml").toString(), "-o",
              restored.toString(), db.toString());
        } catch (IllegalStateException e) {
          throw new IllegalStateException(e.getMessage() + "\nreplica-server's last warnings:\n" + serverWarnings(), e);
        }
      }
      if (digest(db).equals(digest(restored))) {
        exact++;
      }
    }
    return exact;
  }

  static String digest(Path db) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select seq, payload from t order by seq")) {
      while (rs.next()) {
        md.update(ByteBuffer.allocate(4).putInt(rs.getInt(1)).array());
        md.update(rs.getBytes(2));
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  // ---- process accounting ----------------------------------------------------------------------

  static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
  }

  /** The agent's established TCP connections to the server's port (its sockets' inodes in /proc/net/tcp). */
  static int connections(long pid) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException gone) {
          // closed meanwhile
        }
      }
    }
    String port = String.format("%04X", serverPort);
    int n = 0;
    for (String file : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      for (String line : Files.readAllLines(Path.of(file))) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && f[2].endsWith(":" + port) && f[3].equals("01") && inodes.contains(f[9])) {
          n++;
        }
      }
    }
    return n;
  }

  /** The last 20 lines of replica-server's log at WARN or ERROR (for a failed step's message). */
  static String serverWarnings() throws IOException {
    try (Stream<String> lines = Files.lines(serverLog)) {
      List<String> w = lines.filter(l -> l.contains("WARN") || l.contains("ERROR")).toList();
      return String.join("\n", w.subList(Math.max(0, w.size() - 20), w.size()));
    }
  }

  /** Logins replica-server has logged so far (its audit lines). */
  static long logins() throws IOException {
    try (Stream<String> lines = Files.lines(serverLog)) {
      return lines.filter(l -> l.contains("login user=bench")).count();
    }
  }

  // ---- the replica side ------------------------------------------------------------------------

  /**
   * Watches every database's WAL directories on the server's disk (one WatchService) and records
   * when each commit's row first appears in a segment. A WAL directory is listed once, when it is
   * registered (files written before that); after that only its events count, and every directory is
   * listed again only when events were lost (OVERFLOW). Every 500 ms it looks for new generations'
   * WAL directories (a listing per database, not per segment): listing every segment of every
   * database twice a second had held the event loop for tens of milliseconds each time, and so
   * delayed the seen time of every commit that arrived meanwhile (a p99 of 60-200 ms at 50 × 10/s
   * that was the watcher's, not the agent's).
   */
  static final class Watcher implements AutoCloseable {
    private final Path replicas;
    private final Map<String, Integer> index = new HashMap<>();
    private final long[][] seen;
    private final int[] upTo;
    private final WatchService ws;
    private final Set<Path> done = new HashSet<>();
    private final Set<Path> registered = new HashSet<>();
    private final Thread thread;
    private volatile boolean running = true;

    Watcher(Path replicas, List<Path> dbs, long[][] seen) throws IOException {
      this.replicas = replicas;
      this.seen = seen;
      this.upTo = new int[dbs.size()];
      for (int i = 0; i < dbs.size(); i++) {
        index.put(dbs.get(i).getFileName().toString(), i);
      }
      this.ws = replicas.getFileSystem().newWatchService();
      scan();
      thread = new Thread(this::loop, "watcher");
      thread.setDaemon(true);
      thread.start();
    }

    private void loop() {
      long lastScan = System.nanoTime();
      while (running) {
        try {
          WatchKey k = ws.poll(50, TimeUnit.MILLISECONDS);
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
              registered.forEach(this::listQuietly);
            }
          }
          if (System.nanoTime() - lastScan > 500_000_000L) {
            scan();
            lastScan = System.nanoTime();
          }
        } catch (ClosedWatchServiceException | InterruptedException e) {
          return;
        } catch (IOException e) {
          // a file vanished between listing and reading: the next scan sees the state
        }
      }
    }

    private void scan() throws IOException {
      for (String db : index.keySet()) {
        Path gens = replicas.resolve(db).resolve("generations");
        if (!Files.isDirectory(gens)) {
          continue;
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
    }

    private void list(Path wal) throws IOException {
      for (Path p : BenchKit.sortedEntries(wal)) {
        consider(p);
      }
    }

    private void listQuietly(Path wal) {
      try {
        list(wal);
      } catch (IOException e) {
        // a file vanished between listing and reading: its event or the next listing sees the state
      }
    }

    private void consider(Path p) throws IOException {
      if (!p.getFileName().toString().endsWith(".wal.lz4") || !done.add(p)) {
        return;
      }
      long now = System.nanoTime();
      Integer d = index.get(replicas.relativize(p).getName(0).toString());
      if (d == null) {
        return;
      }
      byte[] b;
      try (InputStream in = new LZ4FrameInputStream(Files.newInputStream(p))) {
        b = in.readAllBytes();
      }
      int max = 0;
      for (int i = 0; i + 12 <= b.length; i++) {
        if (b[i] == 'W' && b[i + 1] == 'S' && b[i + 2] == 'M' && b[i + 3] == 'K') {
          long seq = ByteBuffer.wrap(b, i + 4, 8).getLong();
          if (seq > 0 && seq < seen[d].length) {
            max = Math.max(max, (int) seq);
          }
        }
      }
      for (int s = upTo[d] + 1; s <= max; s++) {
        seen[d][s] = now;
      }
      upTo[d] = Math.max(upTo[d], max);
    }

    @Override
    public void close() throws Exception {
      running = false;
      ws.close();
      thread.join();
    }
  }

  // ---- output ----------------------------------------------------------------------------------

  static double pct(Run r, double p) {
    if (r.lagNanos().length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.min(r.lagNanos().length - 1, Math.ceil(p / 100.0 * r.lagNanos().length) - 1);
    return r.lagNanos()[Math.max(0, i)] / 1e6;
  }

  static String ratio(double a, double b) {
    return b == 0 || Double.isNaN(a) || Double.isNaN(b) ? "–" : String.format("%.3f", a / b);
  }

  /** One row per measure and case; columns walship, Litestream, and the ratio. */
  static String table(Map<String, Run> runs) {
    StringBuilder t = new StringBuilder(
        "| measure | walship (dir: + watch:, defaults) | Litestream v0.3.13 (a path: per database, defaults) | walship / Litestream |\n"
            + "|---|---|---|---|\n");
    for (String c : cases) {
      Run w = runs.get("walship@" + c);
      Run l = runs.get("litestream@" + c);
      String at = w.dbs() + " databases × " + w.rate() + "/s each";
      row(t, "exact restores, " + at, w.exact() + " of " + w.dbs(), l.exact() + " of " + l.dbs(), "");
      row(t, "generations on the replica, " + at, "" + w.generations(), "" + l.generations(), "");
      row(t, "SSH connections, " + at, "" + w.connections(), "" + l.connections(), ratio(w.connections(), l.connections()));
      row(t, "agent CPU seconds for " + seconds + " s of commits after " + warmupSeconds + " s of warm-up, " + at, String.format("%.2f", w.cpuSeconds()),
          String.format("%.2f", l.cpuSeconds()), ratio(w.cpuSeconds(), l.cpuSeconds()));
      row(t, "agent CPU while all " + w.dbs() + " databases are idle (% of one core)",
          String.format("%.2f%%", 100 * w.idleCpuSeconds() / idleSeconds), String.format("%.2f%%", 100 * l.idleCpuSeconds() / idleSeconds),
          ratio(w.idleCpuSeconds(), l.idleCpuSeconds()));
      row(t, "agent peak RSS, " + at, w.peakRssKb() / 1024 + " MB", l.peakRssKb() / 1024 + " MB", ratio(w.peakRssKb(), l.peakRssKb()));
      for (double p : new double[] {50, 99}) {
        row(t, "commit-to-replica lag p" + (int) p + ", " + at, BenchKit.ms(pct(w, p)), BenchKit.ms(pct(l, p)), ratio(pct(w, p), pct(l, p)));
      }
      row(t, "commits not on the replica 30 s after the last, " + at + " (of " + w.commits() + ")", "" + w.missing(),
          "" + l.missing(), "");
    }
    return t.toString();
  }

  static void row(StringBuilder t, String label, String ours, String theirs, String ratio) {
    t.append("| ").append(label).append(" | ").append(ours).append(" | ").append(theirs).append(" | ").append(ratio).append(" |\n");
  }
}
