package dev.walship.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * OpenSSH's own {@code sshd} as a private instance for tests: {@code /usr/sbin/sshd -D -e -f
 * <generated config>} on 127.0.0.1 and a free port, with its own host key, authorized keys, pid
 * file and log in the given directory. It never reads or touches the machine's own sshd
 * configuration (no {@code Include}, no {@code /etc/ssh} keys) and {@link #close()} stops it and
 * every session process it forked.
 *
 * <p>The login user is {@code root}: the suite runs as root (here and in CI), and using root needs
 * no system user to be created. Public-key login is allowed ({@code PermitRootLogin
 * prohibit-password}, or {@code yes} with {@link Builder#passwordAuthentication}); with {@code
 * UsePAM no}, sshd refuses accounts whose shadow password is locked with {@code !}.
 *
 * <p>{@link Builder#chrootSftp()} adds the seed's recipe for the login user:
 *
 * <pre>
 * Match User root
 *   ChrootDirectory &lt;root()&gt;
 *   ForceCommand internal-sftp
 *   AllowTcpForwarding no
 * </pre>
 *
 * sshd requires every component of a ChrootDirectory path to be root-owned and not group- or
 * world-writable, which {@code /tmp} (mode 1777) is not. So the chroot lives in a fresh {@code
 * /run/walship-sshd-chroot-*} directory (root-owned 0755 on every Linux, and tmpfs), deleted by
 * {@link #close()}. Keep its content small. sshd also needs its privilege-separation directory
 * {@code /run/sshd}, which the Debian package creates only when its service starts; it is created
 * (empty, 0755) when missing.
 */
public final class OpenSshServer implements AutoCloseable {
  /** The address every instance listens on. */
  public static final String HOST = "127.0.0.1";

  /** The login user (see the class comment). */
  public static final String USER = "root";

  private static final Path PRIVSEP_DIR = Path.of("/run/sshd");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final Builder settings;
  private final Process process;
  private final int port;
  private final Path chroot;
  private final SshKeys.KeyPair hostKey;

  private OpenSshServer(
      Builder settings, Process process, int port, Path chroot, SshKeys.KeyPair hostKey) {
    this.settings = settings;
    this.process = process;
    this.port = port;
    this.chroot = chroot;
    this.hostKey = hostKey;
  }

  /** A server whose config, keys and log live in {@code dir} (use a JUnit {@code @TempDir}). */
  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  /** Settings of a server to start. */
  public static final class Builder {
    private final Path dir;
    private final List<String> authorizedKeys = new ArrayList<>();
    private final List<String> hostKeyTypes = new ArrayList<>();
    private final List<String> extraConfig = new ArrayList<>();
    private boolean chrootSftp;
    private boolean passwordAuthentication;
    private String ciphers;

    private Builder(Path dir) {
      this.dir = dir;
    }

    /** Lets {@code publicKeyLine} ({@code ssh-ed25519 AAAA… comment}) log in as {@link #USER}. */
    public Builder authorizedKey(String publicKeyLine) {
      authorizedKeys.add(publicKeyLine);
      return this;
    }

    /**
     * A host key of {@code type} ({@code ed25519}, {@code ecdsa}, {@code rsa}); several calls give
     * several host keys. Default: one ed25519 key.
     */
    public Builder hostKeyType(String type) {
      hostKeyTypes.add(type);
      return this;
    }

    /** Adds the {@code Match User root / ChrootDirectory / ForceCommand internal-sftp} block. */
    public Builder chrootSftp() {
      chrootSftp = true;
      return this;
    }

    /** Also allows password logins (root's password, which tests never know: to test refusal). */
    public Builder passwordAuthentication() {
      passwordAuthentication = true;
      return this;
    }

    /** sshd's {@code Ciphers} list, e.g. {@code aes128-ctr} for a server without GCM. */
    public Builder ciphers(String list) {
      ciphers = list;
      return this;
    }

    /** One more {@code sshd_config} line, placed before any Match block. */
    public Builder config(String line) {
      extraConfig.add(line);
      return this;
    }

    /** Starts sshd and waits until it answers with its SSH banner. */
    public OpenSshServer start() {
      try {
        return OpenSshServer.start(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start sshd in " + dir, e);
      }
    }
  }

  private static OpenSshServer start(Builder b) throws IOException {
    Path sshd = TestTools.sshd();
    ensurePrivilegeSeparationDir();
    List<String> types = b.hostKeyTypes.isEmpty() ? List.of("ed25519") : b.hostKeyTypes;
    List<SshKeys.KeyPair> hostKeys = new ArrayList<>();
    for (String type : types) {
      hostKeys.add(SshKeys.generate(b.dir, "ssh_host_" + type + "_key", type));
    }
    Path authorized = b.dir.resolve("authorized_keys");
    Files.write(authorized, b.authorizedKeys, StandardCharsets.UTF_8);
    Path chroot = b.chrootSftp ? makeChroot() : null;
    AssertionError last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = freePort();
      Path config = b.dir.resolve("sshd_config");
      Files.writeString(config, config(b, port, hostKeys, authorized, chroot));
      Path log = b.dir.resolve("sshd.log");
      Process p =
          new ProcessBuilder(sshd.toString(), "-D", "-e", "-f", config.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      OpenSshServer server = new OpenSshServer(b, p, port, chroot, hostKeys.get(0));
      try {
        server.awaitBanner();
        return server;
      } catch (AssertionError e) {
        server.stopProcesses();
        last = e;
        if (!Files.readString(log).contains("Address already in use")) {
          break;
        }
      }
    }
    deleteTree(chroot);
    throw last;
  }

  private static String config(
      Builder b, int port, List<SshKeys.KeyPair> hostKeys, Path authorized, Path chroot) {
    StringBuilder c = new StringBuilder();
    c.append("# generated by dev.walship.testing.OpenSshServer: a private test instance\n");
    c.append("Port ").append(port).append('\n');
    c.append("ListenAddress ").append(HOST).append('\n');
    for (SshKeys.KeyPair k : hostKeys) {
      c.append("HostKey ").append(k.privateKey()).append('\n');
    }
    c.append("PidFile ").append(b.dir.resolve("sshd.pid")).append('\n');
    c.append("AuthorizedKeysFile ").append(authorized).append('\n');
    c.append("UsePAM no\nStrictModes no\nPubkeyAuthentication yes\n");
    c.append("PermitRootLogin ").append(b.passwordAuthentication ? "yes" : "prohibit-password");
    c.append("\nPasswordAuthentication ").append(b.passwordAuthentication ? "yes" : "no");
    c.append("\nKbdInteractiveAuthentication no\nAllowUsers ").append(USER).append('\n');
    c.append("X11Forwarding no\nPrintMotd no\nPrintLastLog no\nLogLevel VERBOSE\n");
    c.append("MaxStartups 100:30:200\nMaxSessions 20\n");
    c.append("Subsystem sftp internal-sftp\n");
    if (b.ciphers != null) {
      c.append("Ciphers ").append(b.ciphers).append('\n');
    }
    for (String line : b.extraConfig) {
      c.append(line).append('\n');
    }
    if (chroot != null) {
      c.append("Match User ").append(USER).append('\n');
      c.append("  ChrootDirectory ").append(chroot).append('\n');
      c.append("  ForceCommand internal-sftp\n  AllowTcpForwarding no\n");
    }
    return c.toString();
  }

  private static void ensurePrivilegeSeparationDir() throws IOException {
    if (!Files.isDirectory(PRIVSEP_DIR)) {
      Files.createDirectories(
          PRIVSEP_DIR,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }
  }

  private static Path makeChroot() throws IOException {
    Path dir =
        Files.createTempDirectory(
            Path.of("/run"),
            "walship-sshd-chroot-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    }
  }

  private void awaitBanner() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("sshd exited with " + process.exitValue() + ":\n" + log());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(HOST, port), 1000);
        s.setSoTimeout(5000);
        if (readLine(s.getInputStream()).startsWith("SSH-2.0-")) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      sleep(50);
    }
    throw new AssertionError("sshd did not answer on " + HOST + ":" + port + ":\n" + log());
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c = in.read(); c >= 0 && c != '\n' && sb.length() < 255; c = in.read()) {
      sb.append((char) c);
    }
    return sb.toString();
  }

  /** The port sshd listens on (127.0.0.1). */
  public int port() {
    return port;
  }

  /** The host key (the first one, when there are several). */
  public SshKeys.KeyPair hostKey() {
    return hostKey;
  }

  /** The {@code SHA256:…} fingerprint of {@link #hostKey()}. */
  public String hostKeyFingerprint() {
    return hostKey.fingerprint();
  }

  /** A known_hosts line for this server and its first host key: {@code [127.0.0.1]:port key}. */
  public String knownHostsLine() {
    String[] parts = hostKey.publicLine().split("\\s+");
    return "[" + HOST + "]:" + port + " " + parts[0] + " " + parts[1];
  }

  /** The chroot directory as the host sees it (its content is {@code /} for the user), or null. */
  public Path chroot() {
    return chroot;
  }

  /** What sshd logged so far. */
  public String log() {
    try {
      Path log = settings.dir.resolve("sshd.log");
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(cannot read sshd.log: " + e + ")";
    }
  }

  /** The pid of the listening sshd. */
  public long pid() {
    return process.pid();
  }

  /** Stops sshd and every session it forked, waits for them, and deletes the chroot. */
  @Override
  public void close() {
    stopProcesses();
    deleteTree(chroot);
  }

  private void stopProcesses() {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      for (ProcessHandle child : children) {
        child.onExit().get(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      children.forEach(ProcessHandle::destroyForcibly);
    }
  }

  private static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
