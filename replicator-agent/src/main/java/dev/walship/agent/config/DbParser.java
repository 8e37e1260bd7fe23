package dev.walship.agent.config;

import dev.walship.toolkit.config.ConfigException;
import dev.walship.toolkit.config.Keys;
import dev.walship.toolkit.config.YamlMapping;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads one {@code dbs[i]} mapping into a {@link DbConfig}, defaults applied, all checked. */
final class DbParser {
  static final List<String> KEYS =
      List.of(
          "path",
          "meta-path",
          "monitor-interval",
          "checkpoint-interval",
          "min-checkpoint-page-count",
          "max-checkpoint-page-count",
          "replicas",
          "dir",
          "pattern",
          "recursive",
          "watch");

  /** The keys only a directory entry ({@code dir:}) has. */
  static final List<String> DIR_KEYS = List.of("pattern", "recursive", "watch");

  private static final Map<String, String> HINTS =
      Map.of(
          "replica",
          "is not a Litestream v0.3.13 key (later versions take a single replica here);"
              + " write replicas: with a list of one replica");

  private final PathExpander paths;
  private final ReplicaParser replicas;

  DbParser(PathExpander paths) {
    this(paths, new ReplicaParser(paths));
  }

  DbParser(PathExpander paths, ReplicaParser replicas) {
    this.paths = paths;
    this.replicas = replicas;
  }

  DbConfig parse(YamlMapping m) throws ConfigException {
    Keys.check(m, "a database", List.of(KEYS), Map.of(), HINTS);
    for (String k : DIR_KEYS) {
      if (m.has(k)) {
        throw m.error(k, "only a directory entry (dir:) has " + k + ":");
      }
    }
    Path path = dbPath(m);
    Path metaPath = m.has("meta-path") ? expand(m, "meta-path") : DbConfig.defaultMetaPath(path);
    return settings(m, path, metaPath);
  }

  /** A {@code dir:} entry (Litestream v0.5's directory replication). */
  DirConfig parseDir(YamlMapping m) throws ConfigException {
    Keys.check(m, "a database", List.of(KEYS), Map.of(), HINTS);
    if (m.has("path")) {
      throw m.error(
          "path", "an entry has path: (one database) or dir: (a directory of them), not both");
    }
    if (m.has("meta-path")) {
      throw m.error(
          "meta-path",
          "not with dir: (each database found keeps its own ."
              + "<name>"
              + DbConfig.META_DIR_SUFFIX
              + ")");
    }
    String written = ReplicaParser.nonEmpty(m.string("dir"));
    if (written == null) {
      throw m.error("dir", "must name a directory");
    }
    if (ReplicaUrl.isUrl(written)) {
      throw m.error("dir", "\"" + written + "\" is a URL; dir: is a local directory of databases");
    }
    Path dir = expand(m, "dir");
    String pattern = ReplicaParser.nonEmpty(m.string("pattern"));
    if (pattern == null) {
      throw m.error("a directory entry needs pattern: (the database files' names, e.g. \"*.db\")");
    }
    Glob glob;
    try {
      glob = Glob.compile(pattern);
    } catch (IllegalArgumentException e) {
      throw m.error("pattern", e.getMessage());
    }
    DbConfig settings = settings(m, dir.resolve("*"), DbConfig.defaultMetaPath(dir.resolve("*")));
    return new DirConfig(dir, glob, m.bool("recursive", false), m.bool("watch", false), settings);
  }

  private DbConfig settings(YamlMapping m, Path path, Path metaPath) throws ConfigException {
    var monitor = ReplicaParser.positive(m, "monitor-interval", DbConfig.DEFAULT_MONITOR_INTERVAL);
    var checkpoint =
        ReplicaParser.notNegative(
            m, "checkpoint-interval", DbConfig.DEFAULT_CHECKPOINT_INTERVAL, "0 turns it off");
    int min = m.integer("min-checkpoint-page-count", DbConfig.DEFAULT_MIN_CHECKPOINT_PAGE_COUNT);
    if (min < 1) {
      throw m.error("min-checkpoint-page-count", "must be at least 1, got " + min);
    }
    int max = m.integer("max-checkpoint-page-count", DbConfig.DEFAULT_MAX_CHECKPOINT_PAGE_COUNT);
    if (max != 0 && max < min) {
      throw m.error(
          "max-checkpoint-page-count",
          "must be 0 (never force a checkpoint) or at least min-checkpoint-page-count ("
              + min
              + "), got "
              + max);
    }
    return new DbConfig(path, metaPath, monitor, checkpoint, min, max, replicas(m));
  }

  private Path dbPath(YamlMapping m) throws ConfigException {
    String written = ReplicaParser.nonEmpty(m.string("path"));
    if (written == null) {
      throw m.error("a database needs path: (the SQLite database file)");
    }
    if (ReplicaUrl.isUrl(written)) {
      throw m.error("path", "\"" + written + "\" is a URL; path: is the local database file");
    }
    Path p = expand(m, "path");
    if (p.getFileName() == null) {
      throw m.error("path", "\"" + written + "\" is not a file path");
    }
    return p;
  }

  private Path expand(YamlMapping m, String key) throws ConfigException {
    String written = m.string(key);
    try {
      return paths.expand(written);
    } catch (InvalidPathException e) {
      throw m.error(key, "\"" + written + "\" is not a valid path: " + e.getReason());
    }
  }

  private List<ReplicaConfig> replicas(YamlMapping db) throws ConfigException {
    var out = new ArrayList<ReplicaConfig>();
    var seen = new HashMap<String, YamlMapping>();
    for (YamlMapping m : db.mappings("replicas", "a replica (type, url, path, …)")) {
      ReplicaConfig r = replicas.parse(m);
      YamlMapping first = seen.putIfAbsent(r.name(), m);
      if (first != null) {
        String where = first.path() + ", line " + first.line();
        throw m.has("name")
            ? m.error(
                "name",
                "duplicate replica name \"" + r.name() + "\" (already used by " + where + ")")
            : m.error(
                "replica name \""
                    + r.name()
                    + "\" (its type, the default name) is already used by "
                    + where
                    + "; give each replica its own name:");
      }
      out.add(r);
    }
    return out;
  }
}
