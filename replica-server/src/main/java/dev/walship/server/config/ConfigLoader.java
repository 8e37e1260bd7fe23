package dev.walship.server.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the YAML configuration file into a {@link ServerConfig}.
 *
 * <p>The file is composed into SnakeYAML's node tree (no object construction, so no YAML tags can
 * instantiate anything) and walked by hand, so that every key is known, every value's line is
 * recorded, and the first mistake becomes one line: {@code FILE: line N: key: what is wrong}.
 * Relative paths are resolved against the file's directory; {@code %u} in {@code root} and
 * {@code authorized-keys} is the user name.
 */
public final class ConfigLoader {
  private static final Set<String> TOP = Set.of("listen", "host-key", "defaults", "users", "limits");
  private static final Set<String> DEFAULTS = Set.of("root", "authorized-keys", "writable", "immutable-for", "quota");
  private static final Set<String> USER = Set.of("name", "root", "authorized-keys", "writable", "immutable-for", "quota");
  private static final Set<String> LIMITS =
      Set.of("sessions-per-user", "open-handles", "idle-timeout", "shutdown-grace");
  private static final Pattern LISTEN = Pattern.compile("(?:\\[([0-9A-Fa-f:.]+)]|([^:\\[\\]]+)):(\\d{1,5})");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
  private static final Pattern BYTES = Pattern.compile("(\\d{1,15})(|KiB|MiB|GiB|TiB)");

  private final Path file;
  private final Map<String, Integer> lines = new HashMap<>();
  private ConfigLoader(Path file) {
    this.file = file.toAbsolutePath().normalize();
  }

  /** Where the keys read so far came from. */
  private ConfigSource source() {
    return new ConfigSource(file, lines);
  }

  /** Reads and parses {@code file}; checks nothing on disk beyond reading it (see {@link ConfigChecks}). */
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
    Node root = compose(text);
    Map<String, Node> top = mapping(root, "", TOP);
    String listen = top.containsKey("listen") ? scalar(top.get("listen"), "listen") : ServerConfig.DEFAULT_LISTEN;
    Matcher m = LISTEN.matcher(listen);
    if (!m.matches() || Integer.parseInt(m.group(3)) > 65535) {
      throw source().error("listen", "bad listen address '" + listen + "': expected host:port, e.g. 127.0.0.1:2222 or [::1]:2222 (port 0..65535)");
    }
    String host = m.group(1) != null ? m.group(1) : m.group(2);
    int port = Integer.parseInt(m.group(3));
    Path hostKey = path(top.containsKey("host-key") ? scalar(top.get("host-key"), "host-key") : ServerConfig.DEFAULT_HOST_KEY);
    Map<String, Node> defaults = top.containsKey("defaults") ? mapping(top.get("defaults"), "defaults", DEFAULTS) : Map.of();
    String rootPattern = defaults.containsKey("root") ? scalar(defaults.get("root"), "defaults.root") : ServerConfig.DEFAULT_ROOT;
    String keysPattern = defaults.containsKey("authorized-keys")
        ? scalar(defaults.get("authorized-keys"), "defaults.authorized-keys") : ServerConfig.DEFAULT_AUTHORIZED_KEYS;
    List<String> writable = defaults.containsKey("writable")
        ? strings(defaults.get("writable"), "defaults.writable") : ServerConfig.DEFAULT_WRITABLE;
    Duration immutableFor = defaults.containsKey("immutable-for")
        ? duration(defaults.get("immutable-for"), "defaults.immutable-for", true) : UserConfig.DEFAULT_IMMUTABLE_FOR;
    OptionalLong quota = defaults.containsKey("quota") ? quota(defaults.get("quota"), "defaults.quota") : OptionalLong.empty();
    UserConfigDefaults d = new UserConfigDefaults(rootPattern, keysPattern, writable, immutableFor, quota);
    List<UserConfig> users = users(top.get("users"), d);
    Limits limits = limits(top.get("limits"));
    try {
      return new ServerConfig(host, port, hostKey, users, limits, source());
    } catch (IllegalArgumentException e) {
      throw source().error("users", e.getMessage());
    }
  }

  private record UserConfigDefaults(
      String root, String authorizedKeys, List<String> writable, Duration immutableFor, OptionalLong quota) {}

  private List<UserConfig> users(Node node, UserConfigDefaults d) throws ConfigException {
    if (node == null) {
      throw new ConfigException(file + ": users: missing: list at least one user, e.g. 'users: [{name: replicator}]'");
    }
    if (!(node instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
      throw source().error("users", "expected a list of users (each with at least 'name')");
    }
    List<UserConfig> users = new ArrayList<>();
    for (int i = 0; i < seq.getValue().size(); i++) {
      String key = "users[" + i + "]";
      Map<String, Node> u = mapping(seq.getValue().get(i), key, USER);
      if (!u.containsKey("name")) {
        throw source().error(key, "missing 'name'");
      }
      String name = scalar(u.get("name"), key + ".name");
      String problem = UserConfig.nameProblem(name);
      if (problem != null) {
        throw source().error(key + ".name", problem);
      }
      if (users.stream().anyMatch(x -> x.name().equals(name))) {
        throw source().error(key + ".name", "user '" + name + "' is listed twice");
      }
      String root = u.containsKey("root") ? scalar(u.get("root"), key + ".root") : d.root();
      String keys = u.containsKey("authorized-keys") ? scalar(u.get("authorized-keys"), key + ".authorized-keys") : d.authorizedKeys();
      List<String> writable = u.containsKey("writable") ? strings(u.get("writable"), key + ".writable") : d.writable();
      for (String w : writable) {
        String wp = UserConfig.writableProblem(w);
        if (wp != null) {
          throw source().error(source().userKey(i, "writable"), "'" + w + "': " + wp);
        }
      }
      Duration immutableFor = u.containsKey("immutable-for")
          ? duration(u.get("immutable-for"), key + ".immutable-for", true) : d.immutableFor();
      OptionalLong quota = u.containsKey("quota") ? quota(u.get("quota"), key + ".quota") : d.quota();
      users.add(new UserConfig(name, path(root.replace("%u", name)), path(keys.replace("%u", name)), writable,
          immutableFor, quota));
    }
    return users;
  }

  private Limits limits(Node node) throws ConfigException {
    Limits def = Limits.DEFAULTS;
    if (node == null) {
      return def;
    }
    Map<String, Node> l = mapping(node, "limits", LIMITS);
    int sessions = l.containsKey("sessions-per-user") ? positiveInt(l.get("sessions-per-user"), "limits.sessions-per-user") : def.sessionsPerUser();
    int handles = l.containsKey("open-handles") ? positiveInt(l.get("open-handles"), "limits.open-handles") : def.openHandles();
    Duration idle = l.containsKey("idle-timeout") ? duration(l.get("idle-timeout"), "limits.idle-timeout", false) : def.idleTimeout();
    Duration grace = l.containsKey("shutdown-grace") ? duration(l.get("shutdown-grace"), "limits.shutdown-grace", true) : def.shutdownGrace();
    return new Limits(sessions, handles, idle, grace);
  }

  private Node compose(String text) throws ConfigException {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(10);
    try {
      Node node = new Yaml(options).compose(new StringReader(text));
      if (node == null) {
        throw new ConfigException(file + ": empty configuration: at least 'users:' is required");
      }
      return node;
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 0;
      throw new ConfigException(file + ": line " + line + ": not valid YAML: " + e.getProblem());
    } catch (YAMLException e) {
      throw new ConfigException(file + ": not valid YAML: " + e.getMessage());
    }
  }

  /** The entries of a mapping node, checking that every key is known and none is repeated. */
  private Map<String, Node> mapping(Node node, String key, Set<String> allowed) throws ConfigException {
    String where = key.isEmpty() ? "top level" : key;
    if (!(node instanceof MappingNode map)) {
      throw new ConfigException(
          file + ": line " + line(node) + ": " + where + ": expected a mapping of keys (" + String.join(", ", allowed.stream().sorted().toList()) + ")");
    }
    Map<String, Node> out = new LinkedHashMap<>();
    for (NodeTuple t : map.getValue()) {
      String name = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "?";
      String full = key.isEmpty() ? name : key + "." + name;
      if (!allowed.contains(name)) {
        throw new ConfigException(file + ": line " + line(t.getKeyNode()) + ": " + full
            + ": unknown key (expected one of: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
      if (out.put(name, t.getValueNode()) != null) {
        throw new ConfigException(file + ": line " + line(t.getKeyNode()) + ": " + full + ": given twice");
      }
      lines.put(full, line(t.getKeyNode()));
    }
    return out;
  }

  private String scalar(Node node, String key) throws ConfigException {
    if (!(node instanceof ScalarNode s) || s.getValue().isBlank()) {
      throw source().error(key, "expected a single, non-empty value");
    }
    return s.getValue().trim();
  }

  private List<String> strings(Node node, String key) throws ConfigException {
    if (!(node instanceof SequenceNode seq)) {
      throw source().error(key, "expected a list, e.g. [db]");
    }
    List<String> out = new ArrayList<>();
    for (Node n : seq.getValue()) {
      out.add(scalar(n, key));
    }
    return out;
  }

  private int positiveInt(Node node, String key) throws ConfigException {
    String v = scalar(node, key);
    try {
      int n = Integer.parseInt(v);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw source().error(key, "'" + v + "' is not a whole number of at least 1");
  }

  /** {@code 1073741824}, {@code 512MiB}, {@code 10GiB}, {@code 1TiB}; {@code none} for no quota. */
  private OptionalLong quota(Node node, String key) throws ConfigException {
    String v = scalar(node, key);
    if (v.equals("none")) {
      return OptionalLong.empty();
    }
    Matcher m = BYTES.matcher(v);
    if (m.matches()) {
      int shift = switch (m.group(2)) {
        case "KiB" -> 10;
        case "MiB" -> 20;
        case "GiB" -> 30;
        case "TiB" -> 40;
        default -> 0;
      };
      long n = Long.parseLong(m.group(1));
      if (n >= 1 && n <= (Long.MAX_VALUE >> shift)) {
        return OptionalLong.of(n << shift);
      }
    }
    throw source().error(key, "'" + v + "' is not a size in bytes such as 1073741824, 512MiB, 10GiB or 1TiB (at least 1), or none");
  }

  private Duration duration(Node node, String key, boolean zeroAllowed) throws ConfigException {
    String v = scalar(node, key);
    if (zeroAllowed && v.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = DURATION.matcher(v);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration d = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
      if (zeroAllowed || !d.isZero()) {
        return d;
      }
    }
    throw source().error(key, "'" + v + "' is not a duration such as 500ms, 30s, 10m, 1h or 7d" + (zeroAllowed ? "" : " (above zero)"));
  }

  private Path path(String value) {
    Path p = Path.of(value);
    return p.isAbsolute() ? p.normalize() : file.getParent().resolve(p).normalize();
  }

  private static int line(Node node) {
    return node == null ? 0 : node.getStartMark().getLine() + 1;
  }
}
