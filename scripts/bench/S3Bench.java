// walship vs Litestream v0.3.13 replicating to an S3 API server (s3proxy on loopback; see ./s3).
// Compiled by scripts/bench/s3 with BenchKit.java, run on the replicator jar's class path
// (sqlite-jdbc, lz4-java, AWS SDK). Not a test: it measures and prints one Markdown table.

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

public class S3Bench {
  static final String KEY = "AKIABENCHMARK0000001";
  static final String SECRET = "bench/secret/key/0123456789abcdefghijkl";

  static Path work;
  static Path repo;
  static Path litestream;
  static Path s3proxyJar;
  static int dbMegabytes = 500;
  static int seconds = 60;
  static int warmupSeconds = 15;
  static int rate = 1000;
  static List<String> tools = List.of("walship", "litestream", "walship-1s");
  static Path data;
  static int s3Port;
  static int proxyPort;
  static final AtomicLong requests = new AtomicLong();

  record Snapshot(double seconds, double cpuSeconds, long requests, long peakRssKb) {}

  record Lag(BenchKit.Lags lags, double cpuSeconds, long requests, long peakRssKb, int commits) {}

  public static void main(String[] args) throws Exception {
    // The bench's own S3 client (listing the bucket) logs through the agent jar's logback: warnings
    // only, on stderr, so that the table on stdout is the table.
    dev.walship.toolkit.logging.Logging.configure(
        org.slf4j.event.Level.WARN,
        dev.walship.toolkit.logging.LogFormat.TEXT,
        dev.walship.toolkit.logging.LogTarget.STDERR);
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--work" -> work = Path.of(args[i + 1]);
        case "--repo" -> repo = Path.of(args[i + 1]);
        case "--litestream" -> litestream = Path.of(args[i + 1]);
        case "--s3proxy" -> s3proxyJar = Path.of(args[i + 1]);
        case "--db-mb" -> dbMegabytes = Integer.parseInt(args[i + 1]);
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--warmup-seconds" -> warmupSeconds = Integer.parseInt(args[i + 1]);
        case "--rate" -> rate = Integer.parseInt(args[i + 1]);
        case "--tools" -> tools = List.of(args[i + 1].split(","));
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Process s3 = startS3proxy();
    startCountingProxy();
    try {
      Path big = bigDatabase();
      Map<String, Snapshot> snaps = new LinkedHashMap<>();
      Map<String, Lag> lags = new LinkedHashMap<>();
      for (String tool : tools) {
        snaps.put(tool, snapshotRun(tool, big));
        Snapshot s = snaps.get(tool);
        System.err.printf("%s: %d MB snapshot in %.1f s, cpu %.1f s, %d requests%n", tool, dbMegabytes, s.seconds(), s.cpuSeconds(), s.requests());
      }
      for (String tool : tools) {
        Lag l = lagRun(tool);
        lags.put(tool, l);
        System.err.printf("%s at %d/s: p50 %.1f ms, p99 %.1f ms, missing %d, cpu %.2f s, %.1f requests/s%n",
            tool, rate, pct(l, 50), pct(l, 99), l.lags().missing(), l.cpuSeconds(), l.requests() / (double) seconds);
      }
      System.out.println(table(snaps, lags));
    } finally {
      s3.destroy();
      if (!s3.waitFor(20, TimeUnit.SECONDS)) {
        s3.destroyForcibly();
      }
    }
  }

  // ---- the S3 server and the request counter -------------------------------------------------

  static Process startS3proxy() throws Exception {
    data = Files.createDirectories(work.resolve("s3-data"));
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s3Port = s.getLocalPort();
    }
    Path conf = Files.writeString(work.resolve("s3proxy.conf"), String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + s3Port, "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + KEY, "s3proxy.credential=" + SECRET, "jclouds.provider=filesystem-nio2",
        "jclouds.identity=local", "jclouds.credential=local", "jclouds.filesystem.basedir=" + data, ""));
    ProcessBuilder pb = new ProcessBuilder("java", "-Xmx1g", "-jar", s3proxyJar.toString(), "--properties", conf.toString())
        .redirectErrorStream(true).redirectOutput(work.resolve("s3proxy.log").toFile());
    pb.environment().put("LOG_LEVEL", "warn");
    Process p = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      try (Socket s = new Socket("127.0.0.1", s3Port)) {
        return p;
      } catch (IOException e) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("s3proxy did not start: " + Files.readString(work.resolve("s3proxy.log")));
        }
        Thread.sleep(100);
      }
    }
  }

  /** A loopback TCP proxy in front of s3proxy that counts the HTTP requests the agents send. */
  static void startCountingProxy() throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    proxyPort = server.getLocalPort();
    Thread accept = new Thread(() -> {
      while (true) {
        try {
          Socket client = server.accept();
          Socket upstream = new Socket("127.0.0.1", s3Port);
          daemon(() -> pipeRequests(client, upstream));
          daemon(() -> pipe(upstream, client));
        } catch (IOException e) {
          return;
        }
      }
    });
    accept.setDaemon(true);
    accept.start();
  }

  static void daemon(Runnable r) {
    Thread t = new Thread(r);
    t.setDaemon(true);
    t.start();
  }

  static void pipe(Socket from, Socket to) {
    try (from; to) {
      from.getInputStream().transferTo(to.getOutputStream());
    } catch (IOException ignored) {
      // the connection ended
    }
  }

  /** Forwards requests, counting each: head to the blank line, then Content-Length or chunked body. */
  static void pipeRequests(Socket from, Socket to) {
    try (from; to) {
      InputStream in = new java.io.BufferedInputStream(from.getInputStream(), 1 << 16);
      OutputStream out = to.getOutputStream();
      while (true) {
        String head = readHead(in);
        if (head == null) {
          return;
        }
        requests.incrementAndGet();
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        String lower = head.toLowerCase(Locale.ROOT);
        if (lower.contains("\ntransfer-encoding: chunked")) {
          copyChunked(in, out);
        } else {
          int at = lower.indexOf("\ncontent-length:");
          long n = at < 0 ? 0 : Long.parseLong(lower.substring(at + 16, lower.indexOf('\r', at)).trim());
          copy(in, out, n);
        }
        out.flush();
      }
    } catch (IOException ignored) {
      // the connection ended
    }
  }

  static String readHead(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      sb.append((char) c);
      if (sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n")) {
        return sb.toString();
      }
    }
    return null;
  }

  static void copy(InputStream in, OutputStream out, long n) throws IOException {
    byte[] buf = new byte[1 << 16];
    while (n > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, n));
      if (r < 0) {
        throw new IOException("short body");
      }
      out.write(buf, 0, r);
      n -= r;
    }
  }

  static void copyChunked(InputStream in, OutputStream out) throws IOException {
    while (true) {
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0 && c != '\n') {
        line.append((char) c);
      }
      out.write((line + "\n").getBytes(StandardCharsets.ISO_8859_1));
      long size = Long.parseLong(line.toString().split(";")[0].trim(), 16);
      if (size == 0) {
        String rest;
        while (!(rest = readLine(in)).isEmpty()) {
          out.write((rest + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return;
      }
      copy(in, out, size + 2);
    }
  }

  static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      sb.append((char) c);
    }
    return sb.toString().replace("\r", "");
  }

  // ---- agents ------------------------------------------------------------------------------

  static Process startAgent(String tool, Path dir, Path db, String bucket) throws Exception {
    Files.createDirectories(data.resolve(bucket));
    Path cfg = dir.resolve(tool + ".yml");
    Files.writeString(cfg, """
        dbs:
          - path: %s
            replicas:
              - type: s3
                bucket: %s
                path: db
                endpoint: http://127.0.0.1:%d
                access-key-id: %s
                secret-access-key: %s
        """.formatted(db, bucket, proxyPort, KEY, SECRET) + (tool.equals("walship-1s") ? "        sync-interval: 1s\n" : ""));
    List<String> cmd = tool.startsWith("walship")
        ? List.of(repo.resolve("scripts/replicator").toString(), "replicate", "-config", cfg.toString())
        : List.of(litestream.toString(), "replicate", "-config", cfg.toString());
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(tool + ".log").toFile()).start();
  }

  /** A database of about {@code dbMegabytes}: rows of half random, half repeated bytes (LZ4 halves them). */
  static Path bigDatabase() throws Exception {
    Path db = work.resolve("big.db");
    try (Connection c = BenchKit.openDb(db); Statement s = c.createStatement()) {
      s.execute("create table big(id integer primary key, a blob, b text)");
      int rows = dbMegabytes * 512;
      s.execute("begin");
      s.execute("with recursive n(i) as (select 1 union all select i + 1 from n where i < " + rows + ")"
          + " insert into big(a, b) select randomblob(1000), printf('%.1000c', 'x') from n");
      s.execute("commit");
      s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    System.err.printf("database: %.0f MB%n", Files.size(db) / 1e6);
    return db;
  }

  /** Agent start to the snapshot listed in the bucket (a whole object), on a copy of the database. */
  static Snapshot snapshotRun(String tool, Path big) throws Exception {
    Path dir = Files.createDirectories(work.resolve("snap-" + tool));
    Path db = dir.resolve("big.db");
    Files.copy(big, db);
    String bucket = "snap-" + tool;
    long r0 = requests.get();
    long t0 = System.nanoTime();
    Process agent = startAgent(tool, dir, db, bucket);
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
      while (!snapshotListed(bucket)) {
        if (!agent.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException(tool + ": no snapshot: " + Files.readString(dir.resolve(tool + ".log")));
        }
        Thread.sleep(50);
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      return new Snapshot(secs, BenchKit.cpuSeconds(agent.pid()), requests.get() - r0, BenchKit.peakRssKb(agent.pid()));
    } finally {
      BenchKit.stopAgent(agent);
    }
  }

  static software.amazon.awssdk.services.s3.S3Client lister;

  /** Whether the bucket lists a snapshot: S3 lists only whole objects (asked of s3proxy, not counted). */
  static boolean snapshotListed(String bucket) {
    if (lister == null) {
      lister = software.amazon.awssdk.services.s3.S3Client.builder()
          .endpointOverride(java.net.URI.create("http://127.0.0.1:" + s3Port)).forcePathStyle(true)
          .region(software.amazon.awssdk.regions.Region.US_EAST_1)
          .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
              software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(KEY, SECRET)))
          .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
          .build();
    }
    try {
      return lister.listObjectsV2(l -> l.bucket(bucket).prefix("db/generations/")).contents().stream()
          .anyMatch(o -> o.key().endsWith(".snapshot.lz4"));
    } catch (software.amazon.awssdk.core.exception.SdkException e) {
      return false; // s3proxy's filesystem backend fails listings while a large upload is in flight
    }
  }

  static Lag lagRun(String tool) throws Exception {
    Path dir = Files.createDirectories(work.resolve("lag-" + tool));
    Path db = dir.resolve("app.db");
    String bucket = "lag-" + tool;
    int warm = rate * warmupSeconds;
    int n = rate * seconds;
    long[] committed = new long[warm + n + 1];
    long[] seen = new long[warm + n + 1];
    try (Connection c = BenchKit.openDb(db)) {
      BenchKit.write(c, 1, 1, 0, committed);
      Process agent = startAgent(tool, dir, db, bucket);
      try {
        Path root = data.resolve(bucket).resolve("db");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!snapshotListed(bucket) && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        try (BenchKit.SegmentWatcher w = new BenchKit.SegmentWatcher(root, seen, 5)) {
          BenchKit.write(c, 2, warm - 1, rate, committed);
          double cpu0 = BenchKit.cpuSeconds(agent.pid());
          long r0 = requests.get();
          BenchKit.write(c, warm + 1, n, rate, committed);
          long r1 = requests.get();
          int last = warm + n;
          BenchKit.awaitSeen(seen, last, 30);
          double cpu1 = BenchKit.cpuSeconds(agent.pid());
          return new Lag(BenchKit.Lags.of(committed, seen, warm + 1, last), cpu1 - cpu0, r1 - r0,
              BenchKit.peakRssKb(agent.pid()), n);
        }
      } finally {
        BenchKit.stopAgent(agent);
      }
    }
  }

  // ---- output ------------------------------------------------------------------------------

  static double pct(Lag r, double p) {
    return r.lags().ms(p);
  }

  static String ratio(double a, double b) {
    return BenchKit.ratio(a, b);
  }

  static final Map<String, String> HEADINGS = Map.of(
      "walship", "walship (defaults: sync-interval 0)",
      "litestream", "Litestream v0.3.13 (defaults: sync-interval 1s)",
      "walship-1s", "walship, sync-interval 1s");

  static String table(Map<String, Snapshot> snaps, Map<String, Lag> lags) {
    List<String> cols = tools;
    StringBuilder t = new StringBuilder("| measure |");
    cols.forEach(c -> t.append(' ').append(HEADINGS.get(c)).append(" |"));
    t.append(" walship / Litestream |\n|---|").append("---|".repeat(cols.size() + 1)).append('\n');
    Snapshot ws = snaps.get("walship");
    Snapshot ls = snaps.get("litestream");
    row(t, "initial snapshot of a " + dbMegabytes + " MB database: agent start to the object listed", cols,
        c -> String.format("%.1f s", snaps.get(c).seconds()), ratio(ws.seconds(), ls.seconds()));
    row(t, "  agent CPU seconds until then", cols, c -> String.format("%.1f", snaps.get(c).cpuSeconds()),
        ratio(ws.cpuSeconds(), ls.cpuSeconds()));
    row(t, "  HTTP requests sent until then", cols, c -> Long.toString(snaps.get(c).requests()),
        ratio(ws.requests(), ls.requests()));
    row(t, "  agent peak RSS", cols, c -> snaps.get(c).peakRssKb() / 1024 + " MB", ratio(ws.peakRssKb(), ls.peakRssKb()));
    Lag w = lags.get("walship");
    Lag l = lags.get("litestream");
    for (double p : new double[] {50, 99}) {
      row(t, "commit-to-object lag p" + (int) p + " at " + rate + " commits/s for " + seconds + " s", cols,
          c -> String.format("%.1f ms", pct(lags.get(c), p)), ratio(pct(w, p), pct(l, p)));
    }
    row(t, "  commits not in the bucket 30 s after the last (of " + w.commits() + ")", cols,
        c -> Integer.toString(lags.get(c).lags().missing()), "");
    row(t, "  agent CPU seconds for those commits", cols, c -> String.format("%.2f", lags.get(c).cpuSeconds()),
        ratio(w.cpuSeconds(), l.cpuSeconds()));
    row(t, "  HTTP requests/s sent", cols, c -> String.format("%.1f", lags.get(c).requests() / (double) seconds),
        ratio(w.requests(), l.requests()));
    row(t, "  agent peak RSS", cols, c -> lags.get(c).peakRssKb() / 1024 + " MB", ratio(w.peakRssKb(), l.peakRssKb()));
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
