package dev.walship.server.config;

import dev.walship.toolkit.config.ConfigException;
import dev.walship.toolkit.config.HostPort;
import dev.walship.toolkit.config.Keys;
import dev.walship.toolkit.config.YamlFile;
import dev.walship.toolkit.config.YamlMapping;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads the YAML configuration file into a {@link ServerConfig}, with the toolkit both programs
 * share ({@code dev.walship.toolkit.config}): the file is composed into nodes (no object
 * construction, so no YAML tag can instantiate anything) and walked by hand, so that every key is
 * known, every key's line is recorded, and the first mistake becomes one line: {@code FILE:LINE:
 * key: what is wrong}. Durations are Go's ({@code 90s}, {@code 1h30m}). Relative paths are resolved
 * against the file's directory; {@code %u} in {@code root} and {@code authorized-keys} is the user
 * name.
 */
public final class ConfigLoader {
  private static final List<String> TOP =
      List.of("listen", "host-key", "defaults", "users", "limits", "metrics-addr");
  private static final List<String> DEFAULTS =
      List.of("root", "authorized-keys", "writable", "immutable-for", "quota");
  private static final List<String> USER =
      List.of("name", "root", "authorized-keys", "writable", "immutable-for", "quota");
  private static final Pattern BYTES = Pattern.compile("(\\d{1,15})(|KiB|MiB|GiB|TiB)");
  private static final List<String> LIMITS =
      List.of(
          "connections-per-user",
          "sessions-per-user",
          "channels-per-connection",
          "open-handles",
          "open-handles-per-user",
          "idle-timeout",
          "login-grace",
          "unauthenticated-per-source",
          "unauthenticated",
          "shutdown-grace");

  private final Path file;
  private final String shown;
  private final Map<String, Integer> lines = new HashMap<>();

  private ConfigLoader(Path file) {
    this.file = file.toAbsolutePath().normalize();
    this.shown = this.file.toString();
  }

  /** Where the keys read so far came from. */
  private ConfigSource source() {
    return new ConfigSource(file, lines);
  }

  /**
   * Reads and parses {@code file}; checks nothing on disk beyond reading it (see {@link
   * ConfigChecks}).
   */
  public static ServerConfig load(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(
          file + ": no such configuration file (give -config FILE or set REPLICA_SERVER_CONFIG)");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read the configuration: " + e.getMessage());
    }
    return parse(file, text);
  }

  /** Parses {@code text} as if read from {@code file}. */
  static ServerConfig parse(Path file, String text) throws ConfigException {
    return new ConfigLoader(file).parse(text);
  }

  private ServerConfig parse(String text) throws ConfigException {
    Node root = YamlFile.compose(text, shown);
    if (root == null) {
      throw new ConfigException(shown, 0, "", "empty configuration: at least 'users:' is required");
    }
    YamlMapping top =
        mapping(
            YamlMapping.of(shown, "", root, "a mapping of keys (" + String.join(", ", TOP) + ")"),
            "the file",
            TOP);
    HostPort listen = listen(top);
    Path hostKey = path(value(top, "host-key", ServerConfig.DEFAULT_HOST_KEY));
    YamlMapping defaults =
        top.mapping("defaults", "a mapping (" + String.join(", ", DEFAULTS) + ")");
    UserDefaults d =
        defaults == null
            ? new UserDefaults(
                ServerConfig.DEFAULT_ROOT,
                ServerConfig.DEFAULT_AUTHORIZED_KEYS,
                ServerConfig.DEFAULT_WRITABLE,
                UserConfig.DEFAULT_IMMUTABLE_FOR,
                OptionalLong.empty())
            : userDefaults(mapping(defaults, "defaults", DEFAULTS));
    List<UserConfig> users = users(top, d);
    Limits limits = limits(top.mapping("limits", "a mapping (" + String.join(", ", LIMITS) + ")"));
    try {
      return new ServerConfig(
          listen.host(), listen.port(), hostKey, users, limits, source(), metricsAddr(top));
    } catch (IllegalArgumentException e) {
      throw source().error("users", e.getMessage());
    }
  }

  private record UserDefaults(
      String root,
      String authorizedKeys,
      List<String> writable,
      Duration immutableFor,
      OptionalLong quota) {}

  /**
   * {@code metrics-addr}: {@code host:port} or {@code :port} (every interface), or null when unset.
   */
  private String metricsAddr(YamlMapping top) throws ConfigException {
    String written = value(top, "metrics-addr", "");
    if (written.isEmpty()) {
      return null;
    }
    try {
      HostPort.parseListen(written);
    } catch (IllegalArgumentException e) {
      throw top.error("metrics-addr", e.getMessage());
    }
    return written;
  }

  private HostPort listen(YamlMapping top) throws ConfigException {
    String written = value(top, "listen", ServerConfig.DEFAULT_LISTEN);
    HostPort hp;
    try {
      hp = HostPort.parseListen(written);
    } catch (IllegalArgumentException e) {
      throw top.error("listen", e.getMessage());
    }
    if (hp.host().isEmpty()) {
      throw top.error(
          "listen",
          "\""
              + written
              + "\" names no address; every interface is 0.0.0.0:"
              + hp.port()
              + " (or [::]:"
              + hp.port()
              + ")");
    }
    return hp;
  }

  private UserDefaults userDefaults(YamlMapping m) throws ConfigException {
    return new UserDefaults(
        value(m, "root", ServerConfig.DEFAULT_ROOT),
        value(m, "authorized-keys", ServerConfig.DEFAULT_AUTHORIZED_KEYS),
        m.strings("writable", ServerConfig.DEFAULT_WRITABLE),
        m.has("immutable-for")
            ? duration(m, "immutable-for", Duration.ZERO)
            : UserConfig.DEFAULT_IMMUTABLE_FOR,
        m.has("quota") ? quota(m, "quota") : OptionalLong.empty());
  }

  private List<UserConfig> users(YamlMapping top, UserDefaults d) throws ConfigException {
    if (!top.has("users")) {
      throw new ConfigException(
          shown,
          top.keyLine("users"),
          "users",
          "missing: list at least one user, e.g. 'users: [{name: replicator}]'");
    }
    List<YamlMapping> listed =
        top.mappings(
            "users", "a user (name, root, authorized-keys, writable, immutable-for, quota)");
    if (listed.isEmpty()) {
      throw top.error("users", "expected a list of users (each with at least 'name')");
    }
    List<UserConfig> users = new ArrayList<>();
    for (int i = 0; i < listed.size(); i++) {
      YamlMapping u = mapping(listed.get(i), "a user", USER);
      if (!u.has("name")) {
        throw u.error("missing 'name'");
      }
      String name = value(u, "name", null);
      String problem = UserConfig.nameProblem(name);
      if (problem != null) {
        throw u.error("name", problem);
      }
      if (users.stream().anyMatch(x -> x.name().equals(name))) {
        throw u.error("name", "user '" + name + "' is listed twice");
      }
      String root = value(u, "root", d.root());
      String keys = value(u, "authorized-keys", d.authorizedKeys());
      List<String> writable = u.strings("writable", d.writable());
      for (String w : writable) {
        String wp = UserConfig.writableProblem(w);
        if (wp != null) {
          throw source().error(source().userKey(i, "writable"), "'" + w + "': " + wp);
        }
      }
      Duration immutableFor =
          u.has("immutable-for") ? duration(u, "immutable-for", Duration.ZERO) : d.immutableFor();
      OptionalLong quota = u.has("quota") ? quota(u, "quota") : d.quota();
      users.add(
          new UserConfig(
              name,
              path(root.replace("%u", name)),
              path(keys.replace("%u", name)),
              writable,
              immutableFor,
              quota));
    }
    return users;
  }

  private Limits limits(YamlMapping l) throws ConfigException {
    if (l == null) {
      return Limits.DEFAULTS;
    }
    mapping(l, "limits", LIMITS);
    Limits.Builder b = Limits.DEFAULTS.toBuilder();
    if (l.keys().contains("connections-per-user") && l.keys().contains("sessions-per-user")) {
      throw l.keyError(
          "sessions-per-user",
          "the old name of connections-per-user, which is also given: keep only connections-per-user");
    }
    for (String key : l.keys()) {
      switch (key) {
        case "connections-per-user", "sessions-per-user" ->
            b.connectionsPerUser(atLeastOne(l, key));
        case "channels-per-connection" -> b.channelsPerConnection(atLeastOne(l, key));
        case "open-handles" -> b.openHandles(atLeastOne(l, key));
        case "open-handles-per-user" -> b.openHandlesPerUser(atLeastOne(l, key));
        case "idle-timeout" -> b.idleTimeout(duration(l, key, Duration.ofNanos(1)));
        case "login-grace" -> b.loginGrace(duration(l, key, Duration.ofNanos(1)));
        case "unauthenticated-per-source" -> b.unauthenticatedPerSource(atLeastOne(l, key));
        case "unauthenticated" -> b.unauthenticated(atLeastOne(l, key));
        case "shutdown-grace" -> b.shutdownGrace(duration(l, key, Duration.ZERO));
        default -> throw new IllegalStateException("limits key not handled: " + key);
      }
    }
    return b.build();
  }

  /** Checks {@code m}'s keys and records each key's line for the checks that run later. */
  private YamlMapping mapping(YamlMapping m, String what, List<String> allowed)
      throws ConfigException {
    Keys.check(m, what, List.of(allowed), Map.of(), Map.of());
    for (String key : m.keys()) {
      lines.put(m.keyPath(key), m.keyLine(key));
    }
    return m;
  }

  /** A single, non-empty value (trimmed), or {@code dflt} when the key is absent. */
  private static String value(YamlMapping m, String key, String dflt) throws ConfigException {
    if (!m.keys().contains(key)) {
      return dflt;
    }
    String s = m.string(key);
    if (s == null || s.isBlank()) {
      throw m.error(key, "expected a single, non-empty value");
    }
    return s.trim();
  }

  /** {@code key}'s whole number, at least 1 (the key is present). */
  private static int atLeastOne(YamlMapping m, String key) throws ConfigException {
    int n = m.integer(key, 0);
    if (n < 1) {
      throw m.error(key, "'" + n + "' is not a whole number of at least 1");
    }
    return n;
  }

  /**
   * {@code 1073741824}, {@code 512MiB}, {@code 10GiB}, {@code 1TiB}; {@code none} for no quota (the
   * key is present).
   */
  private static OptionalLong quota(YamlMapping m, String key) throws ConfigException {
    String v = value(m, key, null);
    if (v.equals("none")) {
      return OptionalLong.empty();
    }
    Matcher b = BYTES.matcher(v);
    if (b.matches()) {
      int shift =
          switch (b.group(2)) {
            case "KiB" -> 10;
            case "MiB" -> 20;
            case "GiB" -> 30;
            case "TiB" -> 40;
            default -> 0;
          };
      long n = Long.parseLong(b.group(1));
      if (n >= 1 && n <= (Long.MAX_VALUE >> shift)) {
        return OptionalLong.of(n << shift);
      }
    }
    throw m.error(
        key,
        "'"
            + v
            + "' is not a size in bytes such as 1073741824, 512MiB, 10GiB or 1TiB (at least 1), or none");
  }

  /** {@code key}'s Go duration, at least {@code least} (the key is present). */
  private static Duration duration(YamlMapping m, String key, Duration least)
      throws ConfigException {
    Duration d = m.duration(key, Duration.ZERO);
    if (d.compareTo(least) < 0) {
      throw m.error(
          key,
          "must be "
              + (least.isZero() ? "0 or more" : "more than 0")
              + " (e.g. 500ms, 30s, 10m, 1h30m)");
    }
    return d;
  }

  private Path path(String value) {
    Path p = Path.of(value);
    return p.isAbsolute() ? p.normalize() : file.getParent().resolve(p).normalize();
  }
}
