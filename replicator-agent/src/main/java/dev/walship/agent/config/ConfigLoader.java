package dev.walship.agent.config;

import dev.walship.agent.sftp.SftpTarget;
import dev.walship.toolkit.config.ConfigException;
import dev.walship.toolkit.config.HostPort;
import dev.walship.toolkit.config.Keys;
import dev.walship.toolkit.config.YamlFile;
import dev.walship.toolkit.config.YamlMapping;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a litestream.yml-compatible config file into an immutable {@link AgentConfig}, checked
 * whole: the first mistake is a {@link ConfigException} naming file, line and key path.
 *
 * <p>As Litestream v0.3.13: {@code $VAR}/{@code ${VAR}} are expanded in the whole text before
 * parsing (unless {@code -no-expand-env}) from the injected environment, with Go's {@code
 * os.ExpandEnv} rules; database, meta and replica paths are made absolute ({@code ~} is the home
 * directory); defaults are Litestream's. Unlike Litestream, unknown keys, duplicate keys and
 * settings we cannot honour are errors rather than silently ignored.
 */
public final class ConfigLoader {
  static final List<String> TOP_KEYS =
      List.of(
          "addr",
          "dbs",
          "exec",
          "logging",
          "access-key-id",
          "secret-access-key",
          "heartbeat-url",
          "heartbeat-interval");
  static final List<String> LOGGING_KEYS = List.of("level", "type", "stderr");

  private final Map<String, String> env;
  private final PathExpander paths;

  /**
   * @param env the environment {@code $VAR} references read (inject {@code System.getenv()})
   * @param paths how relative and {@code ~} paths are made absolute
   */
  public ConfigLoader(Map<String, String> env, PathExpander paths) {
    this.env = Map.copyOf(env);
    this.paths = paths;
  }

  public PathExpander paths() {
    return paths;
  }

  /** Reads and checks {@code file}. */
  public AgentConfig load(ConfigFile file, boolean expandEnv) throws ConfigException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file.path());
    } catch (NoSuchFileException e) {
      throw new ConfigException(file.notFound());
    } catch (AccessDeniedException e) {
      throw new ConfigException("cannot read config file " + file.path() + ": permission denied");
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file.path() + ": " + reason(e), e);
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new ConfigException(file.shown() + ": not UTF-8 text");
    }
    return parse(text, file.shown(), expandEnv);
  }

  /** Checks a config file's {@code text}; {@code source} names it in messages. */
  public AgentConfig parse(String text, String source, boolean expandEnv) throws ConfigException {
    String expanded = expandEnv ? EnvExpander.expand(text, env) : text;
    Node root = YamlFile.compose(expanded, source);
    if (root == null) {
      return AgentConfig.EMPTY;
    }
    YamlMapping top = YamlMapping.of(source, "", root, "keys such as dbs: (a YAML mapping)");
    Keys.check(top, "the file", List.of(TOP_KEYS), Map.of(), Map.of());
    String addr = addr(top);
    String exec = ReplicaParser.nonEmpty(top.string("exec"));
    var replicas = new ReplicaParser(paths, new S3ReplicaParser(env, topCredentials(top)));
    HeartbeatConfig heartbeat = heartbeat(top);
    Databases found = dbs(top, new DbParser(paths, replicas));
    return new AgentConfig(
        addr,
        exec,
        logging(top.mapping("logging", "a mapping (level, type, stderr)")),
        found.dbs(),
        found.dirs(),
        heartbeat);
  }

  private static HeartbeatConfig heartbeat(YamlMapping top) throws ConfigException {
    String url = ReplicaParser.nonEmpty(top.string("heartbeat-url"));
    Duration interval =
        ReplicaParser.positive(top, "heartbeat-interval", HeartbeatConfig.DEFAULT_INTERVAL);
    if (url == null) {
      if (top.has("heartbeat-interval")) {
        throw top.error("heartbeat-interval", "has no effect without heartbeat-url");
      }
      return null;
    }
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      throw top.error("heartbeat-url", "\"" + url + "\" is not a URL: " + e.getReason());
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
      throw top.error(
          "heartbeat-url", "\"" + url + "\" is not an http:// or https:// URL with a host");
    }
    return new HeartbeatConfig(u, interval);
  }

  /**
   * A replica given as a URL on the command line ({@code replicator restore sftp://…}), with
   * default timing and its type as name, as Litestream builds it; an {@code s3://} one takes its
   * keys from the environment.
   */
  public ReplicaConfig replicaFromUrl(String url) throws ConfigException {
    ReplicaUrl u = ReplicaUrl.parse(url);
    if (u instanceof ReplicaUrl.File f) {
      return new FileReplicaConfig(
          FileReplicaConfig.TYPE, paths.expand(f.path()), ReplicaTiming.DEFAULTS);
    }
    if (u instanceof ReplicaUrl.S3 s3) {
      var target = new S3ReplicaParser(env, S3ReplicaParser.TopCredentials.NONE).fromUrl(s3);
      return new S3ReplicaConfig(S3ReplicaConfig.TYPE, target, ReplicaTiming.DEFAULTS);
    }
    var s = (ReplicaUrl.Sftp) u;
    if (s.user() == null) {
      throw new ConfigException(
          "replica URL \""
              + ReplicaUrl.shown(url)
              + "\": has no user (expected sftp://user@host/path)");
    }
    var target =
        new SftpTarget(
            s.host(), s.port(), s.user(), s.password(), s.path(), null, null, null, null);
    return new SftpReplicaConfig(SftpReplicaConfig.TYPE, target, ReplicaTiming.DEFAULTS);
  }

  private static String addr(YamlMapping top) throws ConfigException {
    String addr = ReplicaParser.nonEmpty(top.string("addr"));
    if (addr == null) {
      return null;
    }
    try {
      HostPort.parseListen(addr);
    } catch (IllegalArgumentException e) {
      throw top.error("addr", e.getMessage());
    }
    return addr;
  }

  private static LoggingConfig logging(YamlMapping m) throws ConfigException {
    if (m == null) {
      return LoggingConfig.DEFAULTS;
    }
    Keys.check(m, "logging", List.of(LOGGING_KEYS), Map.of(), Map.of());
    String level = ReplicaParser.nonEmpty(m.string("level"));
    LoggingConfig.Level lvl = LoggingConfig.DEFAULTS.level();
    if (level != null) {
      lvl =
          switch (level.toUpperCase(Locale.ROOT)) {
            case "DEBUG" -> LoggingConfig.Level.DEBUG;
            case "INFO" -> LoggingConfig.Level.INFO;
            case "WARN", "WARNING" -> LoggingConfig.Level.WARN;
            case "ERROR" -> LoggingConfig.Level.ERROR;
            default ->
                throw m.error(
                    "level", "\"" + level + "\" is not a log level (debug, info, warn, error)");
          };
    }
    String type = ReplicaParser.nonEmpty(m.string("type"));
    LoggingConfig.Format format = LoggingConfig.DEFAULTS.format();
    if (type != null) {
      format =
          switch (type.toLowerCase(Locale.ROOT)) {
            case "text" -> LoggingConfig.Format.TEXT;
            case "json" -> LoggingConfig.Format.JSON;
            default -> throw m.error("type", "\"" + type + "\" is not a log format (text or json)");
          };
    }
    return new LoggingConfig(lvl, format, m.bool("stderr", LoggingConfig.DEFAULTS.stderr()));
  }

  /**
   * The top-level {@code access-key-id}/{@code secret-access-key}, which S3 replicas without their
   * own take.
   */
  private static S3ReplicaParser.TopCredentials topCredentials(YamlMapping top)
      throws ConfigException {
    String id = ReplicaParser.nonEmpty(top.string("access-key-id"));
    String secret = ReplicaParser.nonEmpty(top.string("secret-access-key"));
    return new S3ReplicaParser.TopCredentials(
        id, id == null ? null : top.place("access-key-id"), secret);
  }

  /** The {@code dbs:} entries: single databases ({@code path:}) and directories ({@code dir:}). */
  private record Databases(List<DbConfig> dbs, List<DirConfig> dirs) {}

  private Databases dbs(YamlMapping top, DbParser parser) throws ConfigException {
    var dbs = new ArrayList<DbConfig>();
    var dirs = new ArrayList<DirConfig>();
    var seen = new HashMap<Path, YamlMapping>();
    for (YamlMapping m : top.mappings("dbs", "a database (path:, replicas:)")) {
      boolean isDir = m.has("dir");
      Path p;
      if (isDir) {
        DirConfig d = parser.parseDir(m);
        dirs.add(d);
        p = d.dir();
      } else {
        DbConfig db = parser.parse(m);
        dbs.add(db);
        p = db.path();
      }
      YamlMapping first = seen.putIfAbsent(p, m);
      if (first != null) {
        throw m.error(
            isDir ? "dir" : "path",
            p + " is already configured at " + first.path() + " (line " + first.line() + ")");
      }
    }
    return new Databases(dbs, dirs);
  }

  private static String reason(IOException e) {
    String m = e.getMessage();
    return e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null
        ? fse.getReason()
        : m == null ? e.getClass().getSimpleName() : m;
  }
}
