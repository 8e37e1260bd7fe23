package dev.walship.server.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The whole, effective configuration of one server: where it listens, its host key, its users, its
 * limits, and where each setting came from. Immutable; build it from YAML with {@link ConfigLoader}
 * or in code with {@link #builder()}.
 *
 * @param listenHost the address to bind (an IP literal or a name)
 * @param listenPort the TCP port; 0 picks a free one
 * @param metricsAddr where Prometheus metrics are served ({@code host:port} or {@code :port});
 *     null: nowhere (the default)
 */
public record ServerConfig(
    String listenHost,
    int listenPort,
    Path hostKey,
    List<UserConfig> users,
    Limits limits,
    ConfigSource source,
    String metricsAddr) {

  /** Default of {@code listen}. */
  public static final String DEFAULT_LISTEN = "127.0.0.1:2222";

  /** Default of {@code host-key}. */
  public static final String DEFAULT_HOST_KEY = "/var/lib/replica-server/ssh_host_ed25519_key";

  /** Default of {@code defaults.root}. */
  public static final String DEFAULT_ROOT = "/var/data/%u";

  /** Default of {@code defaults.authorized-keys}. */
  public static final String DEFAULT_AUTHORIZED_KEYS = "/etc/ssh/authorized_keys_%u";

  /** Default of {@code defaults.writable}. */
  public static final List<String> DEFAULT_WRITABLE = List.of("db");

  public ServerConfig {
    if (listenPort < 0 || listenPort > 65535) {
      throw new IllegalArgumentException("listen port " + listenPort + " outside 0..65535");
    }
    hostKey = hostKey.toAbsolutePath().normalize();
    users = List.copyOf(users);
    Set<String> names = new HashSet<>();
    for (UserConfig u : users) {
      if (!names.add(u.name())) {
        throw new IllegalArgumentException("user '" + u.name() + "' is listed twice");
      }
    }
  }

  /** Without metrics. */
  public ServerConfig(
      String listenHost,
      int listenPort,
      Path hostKey,
      List<UserConfig> users,
      Limits limits,
      ConfigSource source) {
    this(listenHost, listenPort, hostKey, users, limits, source, null);
  }

  /** The user called {@code name}, if configured. */
  public Optional<UserConfig> user(String name) {
    return users.stream().filter(u -> u.name().equals(name)).findFirst();
  }

  /** The listen address as {@code host:port} ({@code [v6]:port} for IPv6 literals). */
  public String listen() {
    return (listenHost.indexOf(':') >= 0 ? "[" + listenHost + "]" : listenHost) + ":" + listenPort;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a configuration in code, e.g. for tests or for embedding the server. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private Path hostKey;
    private final List<UserConfig> users = new ArrayList<>();
    private Limits limits = Limits.DEFAULTS;
    private String metricsAddr;

    private Builder() {}

    /**
     * Serves Prometheus metrics on {@code addr} ({@code host:port}, {@code :port}; port 0: a free
     * one).
     */
    public Builder metrics(String addr) {
      this.metricsAddr = addr;
      return this;
    }

    /** Where to listen; port 0 picks a free port (the default here: 127.0.0.1:0). */
    public Builder listen(String host, int port) {
      this.host = host;
      this.port = port;
      return this;
    }

    /** The host key file: created (ed25519, 0600) if missing, loaded otherwise. Required. */
    public Builder hostKey(Path file) {
      this.hostKey = file;
      return this;
    }

    public Builder user(String name, Path root, Path authorizedKeys, List<String> writable) {
      return user(new UserConfig(name, root, authorizedKeys, writable));
    }

    public Builder user(UserConfig user) {
      users.add(user);
      return this;
    }

    public Builder limits(Limits limits) {
      this.limits = limits;
      return this;
    }

    public ServerConfig build() {
      if (hostKey == null) {
        throw new IllegalStateException("hostKey is required");
      }
      return new ServerConfig(host, port, hostKey, users, limits, ConfigSource.CODE, metricsAddr);
    }
  }
}
