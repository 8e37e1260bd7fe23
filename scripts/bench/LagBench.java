// Commit-to-replica lag, CPU and memory of walship vs Litestream v0.3.13, over SFTP to
// replica-server and to a local directory (see ./lag). Compiled by scripts/bench/lag with
// BenchKit.java, run on the replicator jar's class path (sqlite-jdbc, lz4-java). Not a test: it
// measures and prints Markdown tables.

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

public class LagBench {
  static Path work;
  static Path repo;
  static Path litestream;
  static int serverPort;
  static Path serverRoot;
  static String hostKeyFingerprint;
  static Path clientKey;
  static int seconds = 10;
  static int warmupSeconds = 10;
  static int idleSeconds = 20;
  static int throughputSeconds = 5;
  static int throughputRounds = 3;
  static int[] rates = {100, 1000};
  static List<String> tools =
      List.of("litestream", "walship", "walship-1s", "litestream-file", "walship-file", "walship-file-1s");
  static List<String> idleTools = List.of("litestream", "walship");
  static List<String> throughputTools = List.of("none", "walship", "litestream", "walship-1s");

  /** One measured run; rate 0: idle. */
  record Run(String tool, int rate, BenchKit.Lags lags, double cpuSeconds, long peakRssKb, int commits) {}

  public static void main(String[] args) throws Exception {
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--work" -> work = Path.of(args[i + 1]);
        case "--repo" -> repo = Path.of(args[i + 1]);
        case "--litestream" -> litestream = Path.of(args[i + 1]);
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--warmup-seconds" -> warmupSeconds = Integer.parseInt(args[i + 1]);
        case "--idle-seconds" -> idleSeconds = Integer.parseInt(args[i + 1]);
        case "--throughput-seconds" -> throughputSeconds = Integer.parseInt(args[i + 1]);
        case "--throughput-rounds" -> throughputRounds = Integer.parseInt(args[i + 1]);
        case "--rates" -> rates = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--tools" -> tools = list(args[i + 1]);
        case "--idle-tools" -> idleTools = list(args[i + 1]);
        case "--throughput-tools" -> throughputTools = list(args[i + 1]);
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
              tool, rate, r.lags().ms(50), r.lags().ms(99), r.lags().ms(100), r.lags().missing(), r.cpuSeconds(),
              r.peakRssKb() / 1024);
        }
      }
      for (String tool : idleTools) {
        Run r = idleRun(tool);
        runs.put(tool + "@0", r);
        System.err.printf("%s idle: cpu %.2f s, rss %d MB%n", tool, r.cpuSeconds(), r.peakRssKb() / 1024);
      }
      System.out.println(table(runs));
      Map<String, Double> tput = throughput();
      if (tput.keySet().containsAll(List.of("none", "walship", "litestream"))) {
        System.out.println(throughputTable(tput));
      }
    } finally {
      server.destroy();
      server.waitFor(20, TimeUnit.SECONDS);
      server.destroyForcibly();
    }
  }

  static List<String> list(String arg) {
    return arg.isEmpty() ? List.of() : List.of(arg.split(","));
  }

  // ---- setup ---------------------------------------------------------------------------------

  static Process startServer() throws Exception {
    BenchKit.Server s = BenchKit.Server.start(work, repo, "");
    serverPort = s.port();
    serverRoot = s.root();
    clientKey = s.clientKey();
    hostKeyFingerprint = s.hostKeyFingerprint();
    return s.process();
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
    String oneSecond = tool.endsWith("-1s") ? "        sync-interval: 1s\n" : "";
    if (tool.contains("-file")) { // to a local directory: no network, no server
      Files.writeString(cfg, "dbs:\n  - path: " + db + "\n    replicas:\n      - path: "
          + serverRoot.resolve(replicaPath.substring(1)) + "\n" + oneSecond);
    } else if (tool.startsWith("walship")) {
      Files.writeString(cfg, common + "        host-key: " + hostKeyFingerprint + "\n" + oneSecond);
    } else {
      Files.writeString(cfg, common);
    }
    List<String> cmd = tool.startsWith("walship")
        ? List.of(repo.resolve("scripts/replicator").toString(), "replicate", "-config", cfg.toString())
        : List.of(litestream.toString(), "replicate", "-config", cfg.toString());
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(tool + ".log").toFile()).start();
  }

  /** Waits until the replica directory holds a snapshot and a WAL segment. */
  static void awaitReplica(Path replicaDir, Process agent, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (BenchKit.count(replicaDir, "snapshots") > 0 && BenchKit.count(replicaDir, "wal") > 0) {
        return;
      }
      if (!agent.isAlive()) {
        break;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("no snapshot on " + replicaDir + ": " + Files.readString(log));
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
    try (Connection c = BenchKit.openDb(db)) {
      BenchKit.write(c, 1, 1, 0, committed); // the database exists before the agent starts
      Process agent = startAgent(tool, dir, db, "/db/" + name);
      try {
        awaitReplica(replicaDir, agent, dir.resolve(tool + ".log"));
        try (BenchKit.SegmentWatcher w = new BenchKit.SegmentWatcher(replicaDir, seen, 50)) {
          BenchKit.write(c, 2, warm - 1, rate, committed); // warm-up (rows 2..warm), not counted
          double cpu0 = BenchKit.cpuSeconds(agent.pid());
          BenchKit.write(c, warm + 1, n, rate, committed);
          int last = warm + n;
          BenchKit.awaitSeen(seen, last, 30);
          double cpu1 = BenchKit.cpuSeconds(agent.pid());
          long rss = BenchKit.peakRssKb(agent.pid());
          return new Run(tool, rate, BenchKit.Lags.of(committed, seen, warm + 1, last), cpu1 - cpu0, rss, n);
        }
      } finally {
        BenchKit.stopAgent(agent);
      }
    }
  }

  /** The agent with nothing to do: started on a database of one row, measured after the warm-up. */
  static Run idleRun(String tool) throws Exception {
    Path dir = Files.createDirectories(work.resolve(tool + "-idle"));
    Path db = dir.resolve("app.db");
    String name = tool + "-idle";
    try (Connection c = BenchKit.openDb(db)) {
      BenchKit.write(c, 1, 1, 0, new long[2]);
      Process agent = startAgent(tool, dir, db, "/db/" + name);
      try {
        awaitReplica(serverRoot.resolve("db").resolve(name), agent, dir.resolve(tool + ".log"));
        Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
        double cpu0 = BenchKit.cpuSeconds(agent.pid());
        Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds));
        double cpu1 = BenchKit.cpuSeconds(agent.pid());
        return new Run(tool, 0, new BenchKit.Lags(new long[0], 0), cpu1 - cpu0, BenchKit.peakRssKb(agent.pid()), 0);
      } finally {
        BenchKit.stopAgent(agent);
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
    try (Connection c = BenchKit.openDb(db)) {
      long[] committed = new long[1 << 22];
      BenchKit.write(c, 1, 1, 0, committed);
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
            BenchKit.insert(p, seq++, random);
          }
          long t0 = System.nanoTime();
          long end = t0 + TimeUnit.SECONDS.toNanos(throughputSeconds);
          int done = 0;
          while (System.nanoTime() < end) {
            BenchKit.insert(p, seq++, random);
            done++;
          }
          return done / ((System.nanoTime() - t0) / 1e9);
        }
      } finally {
        BenchKit.stopAgent(agent);
      }
    }
  }

  // ---- output ------------------------------------------------------------------------------

  /** The replica each tool ships to, and the row label of its settings. */
  static String replicaOf(String tool) {
    return tool.contains("-file") ? "file" : "SFTP";
  }

  static String agentOf(String tool) {
    if (tool.startsWith("litestream")) {
      return "Litestream v0.3.13 (defaults: sync-interval 1s)";
    }
    return tool.endsWith("-1s") ? "walship, sync-interval 1s" : "walship (defaults: sync-interval 0)";
  }

  /** The peer a tool is compared with: Litestream on the same replica type. */
  static String peerOf(String tool) {
    return tool.contains("-file") ? "litestream-file" : "litestream";
  }

  static String goal(String tool, int rate) {
    if (tool.startsWith("litestream")) {
      return "";
    }
    if (rate == 0) {
      return "CPU ≤ 2×, RSS ≤ 2×";
    }
    if (tool.endsWith("-1s")) {
      return "CPU ≤ 1×, RSS ≤ 2×";
    }
    return "lag ≤ 5 / 50 ms, CPU ≤ " + (rate >= 1000 ? 3 : 5) + "×, RSS ≤ 2×";
  }

  /**
   * One row per replica type, load and agent: lag, the agent's CPU seconds after the warm-up and
   * its peak RSS, each with its ratio to Litestream's on the same replica type and load.
   */
  static String table(Map<String, Run> runs) {
    StringBuilder t = new StringBuilder("| replica | load | agent | lag p50 | lag p99 | lag max | commits not on the replica 30 s after the last |"
        + " agent CPU s | CPU / Litestream | agent peak RSS | RSS / Litestream | goal |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    List<String> order = new ArrayList<>();
    for (String replica : List.of("SFTP", "file")) {
      for (int rate : rates) {
        order.addAll(tools.stream().filter(x -> replicaOf(x).equals(replica)).map(x -> x + "@" + rate).toList());
      }
      order.addAll(idleTools.stream().filter(x -> replicaOf(x).equals(replica)).map(x -> x + "@0").toList());
    }
    for (String key : order) {
      Run r = runs.get(key);
      if (r == null) {
        continue;
      }
      Run peer = runs.get(peerOf(r.tool()) + "@" + r.rate());
      boolean idle = r.rate() == 0;
      t.append(String.format("| %s | %s | %s | %s | %s | %s | %s | %.2f | %s | %d MB | %s | %s |%n",
          replicaOf(r.tool()), idle ? "idle, " + idleSeconds + " s" : r.rate() + " commits/s, " + seconds + " s", agentOf(r.tool()),
          idle ? "–" : BenchKit.ms(r.lags().ms(50)), idle ? "–" : BenchKit.ms(r.lags().ms(99)), idle ? "–" : BenchKit.ms(r.lags().ms(100)),
          idle ? "–" : r.lags().missing() + " of " + r.commits(), r.cpuSeconds(),
          peer == null ? "–" : BenchKit.ratio(r.cpuSeconds(), peer.cpuSeconds()), r.peakRssKb() / 1024,
          peer == null ? "–" : BenchKit.ratio(r.peakRssKb(), peer.peakRssKb()), goal(r.tool(), r.rate())));
    }
    return t.toString();
  }

  /** The writer's unthrottled commits/s with no agent and with each agent (SFTP). */
  static String throughputTable(Map<String, Double> tput) {
    double none = tput.get("none");
    StringBuilder t = new StringBuilder(String.format(
        "%n| writer commits/s, unthrottled, median of %d rounds of %d s | no agent |", throughputRounds, throughputSeconds));
    List<String> cols = throughputTools.stream().filter(x -> !x.equals("none")).toList();
    cols.forEach(c -> t.append(' ').append(agentOf(c)).append(" |"));
    t.append(" walship / Litestream |\n|---|---|").append("---|".repeat(cols.size() + 1)).append('\n');
    t.append(String.format("| writer commits/s, SFTP replica | %.0f |", none));
    cols.forEach(c -> t.append(String.format(" %.0f (%.2f× no agent) |", tput.get(c), tput.get(c) / none)));
    t.append(' ').append(BenchKit.ratio(tput.getOrDefault("walship", Double.NaN), tput.getOrDefault("litestream", Double.NaN))).append(" |\n");
    return t.toString();
  }
}
