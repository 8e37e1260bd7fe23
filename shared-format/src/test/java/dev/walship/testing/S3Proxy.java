package dev.walship.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real S3 API server for tests: s3proxy 2.6.0 ({@code org.gaul:s3proxy}, its
 * jar-with-dependencies, which the build copies to the path in the {@code walship.s3proxy.jar}
 * system property) on 127.0.0.1, SigV4 authentication, objects kept as files under a directory (the
 * {@code filesystem-nio2} backend: a bucket is a directory there, an object a file).
 *
 * <p>{@link #shared()} is one server per test JVM, stopped when the JVM exits; {@link #start} makes
 * a private one (e.g. to stop and restart it on the same port), which {@link #close()} stops.
 */
public final class S3Proxy implements AutoCloseable {
  /** The access key id every test server accepts. */
  public static final String ACCESS_KEY = "AKIAWALSHIPTEST00001";

  /** Its secret access key. */
  public static final String SECRET_KEY = "walship/test/secret/key/0123456789abcdefgh";

  private static final Pattern STARTED =
      Pattern.compile("Started ServerConnector@\\S+\\{[^}]*\\}\\{127\\.0\\.0\\.1:(\\d+)\\}");
  private static S3Proxy shared;

  private final Path dir;
  private Path keystore;
  private String accessKey;
  private String secretKey;
  private Process process;
  private int port;

  private S3Proxy(Path dir, String accessKey, String secretKey) {
    this.dir = dir;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  /** The server shared by every test of this JVM; started on first use. */
  public static synchronized S3Proxy shared() {
    if (shared == null) {
      try {
        Path dir = Files.createTempDirectory("walship-s3proxy");
        shared = start(dir, 0, ACCESS_KEY, SECRET_KEY);
        S3Proxy s = shared;
        Runtime.getRuntime().addShutdownHook(new Thread(s::close));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  /**
   * Starts a server keeping its buckets under {@code dir}/data, on {@code port} (0: any free one),
   * accepting only {@code accessKey}/{@code secretKey}.
   */
  public static S3Proxy start(Path dir, int port, String accessKey, String secretKey) {
    S3Proxy p = new S3Proxy(dir, accessKey, secretKey);
    p.launch(port);
    return p;
  }

  /**
   * Starts a server that speaks only HTTPS, with a self-signed certificate for 127.0.0.1 made by
   * the JDK's {@code keytool}: what {@code skip-verify} is for.
   */
  public static S3Proxy startTls(Path dir) {
    Path ks = dir.resolve("keystore.p12");
    Proc.run(
            Duration.ofSeconds(60),
            Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair",
            "-alias",
            "s3proxy",
            "-keyalg",
            "EC",
            "-dname",
            "CN=127.0.0.1",
            "-ext",
            "SAN=ip:127.0.0.1",
            "-validity",
            "2",
            "-storetype",
            "PKCS12",
            "-keystore",
            ks.toString(),
            "-storepass",
            "password",
            "-keypass",
            "password")
        .orThrow();
    S3Proxy p = new S3Proxy(dir, ACCESS_KEY, SECRET_KEY);
    p.keystore = ks;
    p.launch(0);
    return p;
  }

  /** A TCP port that was free a moment ago (for a server that must come back on the same port). */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void launch(int wanted) {
    try {
      Path data = Files.createDirectories(dir.resolve("data"));
      Path conf = dir.resolve("s3proxy.conf");
      String listen =
          keystore == null
              ? "s3proxy.endpoint=http://127.0.0.1:" + wanted
              : "s3proxy.secure-endpoint=https://127.0.0.1:"
                  + wanted
                  + "\ns3proxy.keystore-path="
                  + keystore
                  + "\ns3proxy.keystore-password=password";
      Files.writeString(
          conf,
          String.join(
              "\n",
              listen,
              "s3proxy.authorization=aws-v2-or-v4",
              "s3proxy.identity=" + accessKey,
              "s3proxy.credential=" + secretKey,
              "jclouds.provider=filesystem-nio2",
              "jclouds.identity=local",
              "jclouds.credential=local",
              "jclouds.filesystem.basedir=" + data,
              ""));
      Path log = dir.resolve("s3proxy.log");
      ProcessBuilder pb =
          new ProcessBuilder(
                  javaBinary(),
                  "-Xmx256m",
                  "-XX:+UseSerialGC",
                  "-XX:TieredStopAtLevel=1",
                  "-jar",
                  jar().toString(),
                  "--properties",
                  conf.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().put("LOG_LEVEL", "info");
      long logStart = Files.exists(log) ? Files.size(log) : 0;
      process = pb.start();
      port = awaitPort(log, logStart);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int awaitPort(Path log, long from) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      String text = Files.readString(log);
      Matcher m = STARTED.matcher(text.substring((int) Math.min(from, text.length())));
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      if (!process.isAlive()) {
        throw new AssertionError(
            "s3proxy exited (" + process.exitValue() + "):\n" + ownLines(text));
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
    throw new AssertionError(
        "s3proxy did not start within 90 s:\n" + ownLines(Files.readString(log)));
  }

  /** The log without logback's own start-up chatter. */
  private static String ownLines(String log) {
    return String.join("\n", log.lines().filter(l -> !l.contains("|-")).toList());
  }

  private static String javaBinary() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /** The s3proxy jar the build copied; fails with how to get it. */
  public static Path jar() {
    String p = System.getProperty("walship.s3proxy.jar");
    if (p == null || !Files.isRegularFile(Path.of(p))) {
      throw new AssertionError(
          "s3proxy jar not found ("
              + p
              + "): run the tests through Maven, which copies"
              + " org.gaul:s3proxy:jar-with-dependencies into target/s3proxy/ (mvn -pl replicator-agent -am test)");
    }
    return Path.of(p);
  }

  /** {@code http://127.0.0.1:<port>} ({@code https://} for {@link #startTls}). */
  public String endpoint() {
    return (keystore == null ? "http" : "https") + "://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  /** Creates bucket {@code name} (a directory of the backend); returns its directory. */
  public Path createBucket(String name) {
    try {
      return Files.createDirectories(bucketDir(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the backend keeps bucket {@code name}'s objects, as files named by their keys. */
  public Path bucketDir(String name) {
    return dir.resolve("data").resolve(name);
  }

  /** A new bucket with a name no other test uses. */
  public String newBucket(String prefix) {
    String name = prefix + "-" + Long.toHexString(System.nanoTime());
    createBucket(name);
    return name;
  }

  /** Stops the server (the data stays); {@link #restart()} brings it back on the same port. */
  public void stop() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts the stopped server again on its port, with the same data. */
  public void restart() {
    stop();
    launch(port);
  }

  /** Starts the stopped server again on its port, with the same data, accepting other keys. */
  public void restartAccepting(String newAccessKey, String newSecretKey) {
    stop();
    accessKey = newAccessKey;
    secretKey = newSecretKey;
    launch(port);
  }

  /** Keys of the objects under {@code bucket}, as the backend stores them. */
  public List<String> keys(String bucket) {
    List<String> out = new ArrayList<>();
    Path root = bucketDir(bucket);
    try (var s = Files.walk(root)) {
      s.filter(Files::isRegularFile).forEach(p -> out.add(root.relativize(p).toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.sort(null);
    return out;
  }

  @Override
  public void close() {
    stop();
  }
}
