package dev.walship.toolkit.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML mapping of a config file, read with its place: the file, the key path ({@code
 * dbs[0].replicas[1]}) and line numbers, so every error names them.
 *
 * <p>Design note: scalars are read as yaml.v2 (Litestream's parser) reads them into its typed
 * fields: a string key takes the scalar's text whatever its YAML type ({@code password: 1234} is
 * "1234"); a YAML null ({@code ~}, {@code null}, empty) means "not set"; merge keys ({@code <<:
 * *anchor}) are applied, explicit keys winning. Unlike yaml.v2, a key given twice is an error.
 */
public final class YamlMapping {
  private static final Set<String> TRUE =
      Set.of("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON");
  private static final Set<String> FALSE =
      Set.of("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF");

  /** A key and its value node, as written. */
  private record Entry(ScalarNode key, Node value) {}

  private final String source;
  private final String path;
  private final Node node;
  private final Map<String, Entry> entries;

  private YamlMapping(String source, String path, Node node, Map<String, Entry> entries) {
    this.source = source;
    this.path = path;
    this.node = node;
    this.entries = entries;
  }

  /**
   * Reads {@code node} as a mapping at {@code path}.
   *
   * @param what what the mapping is, for the message when it is something else
   */
  public static YamlMapping of(String source, String path, Node node, String what)
      throws ConfigException {
    if (!(node instanceof MappingNode m)) {
      throw new ConfigException(
          source, line(node), path, "expected " + what + ", found " + kind(node));
    }
    var entries = new LinkedHashMap<String, Entry>();
    collect(source, path, m, entries, false, Collections.newSetFromMap(new IdentityHashMap<>()));
    return new YamlMapping(source, path, node, entries);
  }

  /** Adds {@code m}'s keys; {@code inherited}: from a merge, never overriding what is there. */
  private static void collect(
      String source,
      String path,
      MappingNode m,
      Map<String, Entry> into,
      boolean inherited,
      Set<Node> seen)
      throws ConfigException {
    if (!seen.add(m)) {
      throw new ConfigException(source, line(m), path, "a merge (<<) refers to itself");
    }
    var explicit = new LinkedHashMap<String, Entry>();
    var merged = new ArrayList<MappingNode>();
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode key)) {
        throw new ConfigException(
            source,
            line(t.getKeyNode()),
            path,
            "keys must be plain words, found " + kind(t.getKeyNode()));
      }
      if (key.getTag().equals(Tag.MERGE)) {
        merged.addAll(mergeSources(source, path, t.getValueNode()));
        continue;
      }
      Entry first = explicit.putIfAbsent(key.getValue(), new Entry(key, t.getValueNode()));
      if (first != null) {
        throw new ConfigException(
            source,
            line(key),
            join(path, key.getValue()),
            "duplicate key (first at line " + line(first.key) + ")");
      }
    }
    for (var e : explicit.entrySet()) {
      if (inherited) {
        into.putIfAbsent(e.getKey(), e.getValue());
      } else {
        into.put(e.getKey(), e.getValue());
      }
    }
    for (MappingNode source2 : merged) {
      collect(source, path, source2, into, true, seen);
    }
    seen.remove(m);
  }

  private static List<MappingNode> mergeSources(String source, String path, Node value)
      throws ConfigException {
    if (value instanceof MappingNode m) {
      return List.of(m);
    }
    var out = new ArrayList<MappingNode>();
    if (value instanceof SequenceNode s) {
      for (Node n : s.getValue()) {
        if (!(n instanceof MappingNode m)) {
          throw new ConfigException(
              source, line(n), path, "a merge (<<) takes mappings, found " + kind(n));
        }
        out.add(m);
      }
      return out;
    }
    throw new ConfigException(
        source, line(value), path, "a merge (<<) takes a mapping, found " + kind(value));
  }

  public String path() {
    return path;
  }

  public int line() {
    return line(node);
  }

  public Set<String> keys() {
    return entries.keySet();
  }

  /** Whether {@code key} is present with a non-null value. */
  public boolean has(String key) {
    Entry e = entries.get(key);
    return e != null && !isNull(e.value);
  }

  /** The key path of {@code key} in this mapping. */
  public String keyPath(String key) {
    return join(path, key);
  }

  /** An error about {@code key}'s value, at its line. */
  public ConfigException error(String key, String problem) {
    Entry e = entries.get(key);
    return new ConfigException(source, e == null ? line() : line(e.value), keyPath(key), problem);
  }

  /** An error about {@code key} itself (unknown, refused), at the key's line. */
  public ConfigException keyError(String key, String problem) {
    Entry e = entries.get(key);
    return new ConfigException(source, e == null ? line() : line(e.key), keyPath(key), problem);
  }

  /** An error about the whole mapping, at its first line. */
  public ConfigException error(String problem) {
    return new ConfigException(source, line(), path, problem);
  }

  /** The scalar text of {@code key}, or null when absent or null. */
  public String string(String key) throws ConfigException {
    Node v = value(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof ScalarNode s)) {
      throw error(key, "expected a single value, found " + kind(v));
    }
    return s.getValue();
  }

  /** {@code key} as a Go duration, or {@code dflt} when absent. */
  public Duration duration(String key, Duration dflt) throws ConfigException {
    String s = string(key);
    if (s == null) {
      return dflt;
    }
    try {
      return GoDuration.parse(s);
    } catch (IllegalArgumentException e) {
      String hint =
          s.chars().allMatch(c -> c >= '0' && c <= '9')
              ? ": a number needs a unit, e.g. " + s + "s"
              : "";
      throw error(key, "\"" + s + "\" is not a duration (e.g. 1s, 500ms, 1m)" + hint);
    } catch (ArithmeticException e) {
      throw error(key, "\"" + s + "\" is too long for a duration (the most is about 292 years)");
    }
  }

  /** {@code key} as a whole number written in decimal, or {@code dflt} when absent. */
  public int integer(String key, int dflt) throws ConfigException {
    String s = string(key);
    if (s == null) {
      return dflt;
    }
    String digits = s.replace("_", "");
    if (digits.startsWith("+")) {
      digits = digits.substring(1);
    }
    if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw error(key, "\"" + s + "\" is not a whole number (e.g. 1000)");
    }
    if (digits.length() > 1 && digits.startsWith("0")) {
      throw error(
          key,
          "\""
              + s
              + "\" has a leading zero, which YAML 1.1 (and so Litestream) reads as octal; write it without");
    }
    if (digits.length() > 10 || Long.parseLong(digits) > Integer.MAX_VALUE) {
      throw error(key, "\"" + s + "\" is too large (the most is " + Integer.MAX_VALUE + ")");
    }
    return Integer.parseInt(digits);
  }

  /** {@code key} as a YAML 1.1 boolean (true/false, yes/no, on/off, y/n), or {@code dflt}. */
  public boolean bool(String key, boolean dflt) throws ConfigException {
    String s = string(key);
    if (s == null) {
      return dflt;
    }
    if (TRUE.contains(s)) {
      return true;
    }
    if (FALSE.contains(s)) {
      return false;
    }
    throw error(key, "\"" + s + "\" is not a boolean (true or false)");
  }

  /** The line of {@code key} itself, or 0 when the mapping has no such key. */
  public int keyLine(String key) {
    Entry e = entries.get(key);
    return e == null ? 0 : line(e.key);
  }

  /**
   * {@code key} as a list of single values ({@code [db, logs]} or lines starting with -), or {@code
   * dflt} when absent or null.
   */
  public List<String> strings(String key, List<String> dflt) throws ConfigException {
    Node v = value(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof SequenceNode seq)) {
      throw error(key, "expected a list (e.g. [a, b]), found " + kind(v));
    }
    var out = new ArrayList<String>();
    for (Node n : seq.getValue()) {
      if (!(n instanceof ScalarNode s) || isNull(n)) {
        throw new ConfigException(
            source, line(n), keyPath(key), "expected single values in the list, found " + kind(n));
      }
      out.add(s.getValue());
    }
    return out;
  }

  /** {@code key} as a mapping, or null when absent or null. */
  public YamlMapping mapping(String key, String what) throws ConfigException {
    Node v = value(key);
    return v == null ? null : of(source, keyPath(key), v, what);
  }

  /** One item of a list of scalars, with its place. */
  public record Scalar(String value, String path, int line) {}

  /**
   * {@code key} as a list of single values (a lone value counts as a list of one), each with its
   * key path ({@code key[i]}) and line; empty when absent or null.
   */
  public List<Scalar> scalars(String key) throws ConfigException {
    Node v = value(key);
    if (v == null) {
      return List.of();
    }
    List<Node> items = v instanceof SequenceNode seq ? seq.getValue() : List.of(v);
    var out = new ArrayList<Scalar>();
    for (int i = 0; i < items.size(); i++) {
      Node n = items.get(i);
      String at = v instanceof SequenceNode ? keyPath(key) + "[" + i + "]" : keyPath(key);
      if (!(n instanceof ScalarNode s) || isNull(n)) {
        throw new ConfigException(
            source,
            line(n),
            at,
            "expected a single value, found " + (isNull(n) ? "nothing" : kind(n)));
      }
      out.add(new Scalar(s.getValue(), at, line(n)));
    }
    return out;
  }

  /** An error about one item of a list read with {@link #scalars}. */
  public ConfigException error(Scalar item, String problem) {
    return new ConfigException(source, item.line(), item.path(), problem);
  }

  /** {@code file:line} of {@code key}'s value, to say where a setting came from. */
  public String place(String key) {
    Entry e = entries.get(key);
    return source + ":" + (e == null ? line() : line(e.value));
  }

  /** {@code key} as a list of mappings, each {@code what}; empty when absent or null. */
  public List<YamlMapping> mappings(String key, String what) throws ConfigException {
    Node v = value(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof SequenceNode seq)) {
      throw error(key, "expected a list (lines starting with -), found " + kind(v));
    }
    var out = new ArrayList<YamlMapping>();
    for (int i = 0; i < seq.getValue().size(); i++) {
      out.add(of(source, keyPath(key) + "[" + i + "]", seq.getValue().get(i), what));
    }
    return out;
  }

  private Node value(String key) {
    Entry e = entries.get(key);
    return e == null || isNull(e.value) ? null : e.value;
  }

  private static boolean isNull(Node n) {
    return n instanceof ScalarNode && n.getTag().equals(Tag.NULL);
  }

  static int line(Node n) {
    return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
  }

  static String kind(Node n) {
    if (n instanceof ScalarNode s) {
      return "the value \"" + s.getValue() + "\"";
    }
    return n instanceof SequenceNode ? "a list" : "a mapping";
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
