package dev.walship.agent.config;

import dev.walship.agent.sftp.SftpTarget;
import dev.walship.toolkit.config.ConfigException;
import dev.walship.toolkit.config.GoDuration;
import dev.walship.toolkit.config.HostPort;
import dev.walship.toolkit.config.Keys;
import dev.walship.toolkit.config.YamlMapping;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Reads one {@code dbs[i].replicas[j]} mapping into a {@link ReplicaConfig}, with Litestream
 * v0.3.13's rules: the type is the URL's scheme, else {@code type}, else {@code file}; URL parts
 * fill only what the explicit keys leave unset; {@code url} with {@code path} (or, for sftp, with
 * {@code host}; for s3, with {@code bucket}) is an error; {@code age:} encrypts any type. Stricter
 * than Litestream: unknown keys, keys of other replica types, and GCS/Azure settings are refused
 * instead of ignored.
 */
final class ReplicaParser {
  static final List<String> COMMON_KEYS =
      List.of(
          "type",
          "name",
          "url",
          "path",
          "retention",
          "retention-check-interval",
          "sync-interval",
          "snapshot-interval",
          "validation-interval",
          "age");

  /** Keys only SFTP replicas take: Litestream's four, then ours. */
  static final List<String> SFTP_KEYS =
      List.of("host", "user", "password", "key-path", "key-passphrase", "host-key", "known-hosts");

  /** Litestream v0.3.13 replica keys we refuse, with why. */
  static final Map<String, String> REFUSED =
      Map.of(
          "account-name", ReplicaUrlParser.unsupportedType("abs"),
          "account-key", ReplicaUrlParser.unsupportedType("abs"));

  /** The keys that belong to one replica type only. */
  private static final Map<String, List<String>> TYPE_KEYS =
      Map.of(SftpReplicaConfig.TYPE, SFTP_KEYS, S3ReplicaConfig.TYPE, S3ReplicaParser.KEYS);

  private final PathExpander paths;
  private final S3ReplicaParser s3;

  /** A parser without S3 defaults: no top-level keys, no environment. */
  ReplicaParser(PathExpander paths) {
    this(paths, new S3ReplicaParser(Map.of(), S3ReplicaParser.TopCredentials.NONE));
  }

  ReplicaParser(PathExpander paths, S3ReplicaParser s3) {
    this.paths = paths;
    this.s3 = s3;
  }

  ReplicaConfig parse(YamlMapping m) throws ConfigException {
    Keys.check(
        m, "a replica", List.of(COMMON_KEYS, SFTP_KEYS, S3ReplicaParser.KEYS), REFUSED, Map.of());
    ReplicaUrl url = url(m);
    String type = type(m, url);
    refuseOtherTypesKeys(m, type);
    ReplicaTiming timing = timing(m);
    String name = nonEmpty(m.string("name"));
    name = name == null ? type : name;
    ReplicaConfig r =
        switch (type) {
          case FileReplicaConfig.TYPE -> new FileReplicaConfig(name, filePath(m, url), timing);
          case S3ReplicaConfig.TYPE ->
              new S3ReplicaConfig(name, s3.read(m, (ReplicaUrl.S3) url), timing);
          default -> new SftpReplicaConfig(name, SftpTargets.read(m, url, paths), timing);
        };
    var age = AgeParser.read(m);
    return age == null ? r : new AgeReplicaConfig(r, age, m.place("age") + ": " + m.keyPath("age"));
  }

  private static void refuseOtherTypesKeys(YamlMapping m, String type) throws ConfigException {
    for (var e : TYPE_KEYS.entrySet()) {
      if (e.getKey().equals(type)) {
        continue;
      }
      for (String k : e.getValue()) {
        if (m.keys().contains(k)) {
          String article = type.equals(FileReplicaConfig.TYPE) ? "a " : "an ";
          throw m.keyError(
              k,
              "only "
                  + e.getKey()
                  + " replicas take "
                  + k
                  + " (this replica is "
                  + article
                  + type
                  + " replica)");
        }
      }
    }
  }

  private static ReplicaUrl url(YamlMapping m) throws ConfigException {
    String path = m.string("path");
    if (path != null && ReplicaUrl.isUrl(path)) {
      throw m.error("path", "\"" + path + "\" is a URL; put it under url: instead");
    }
    String url = nonEmpty(m.string("url"));
    if (url == null) {
      return null;
    }
    try {
      return ReplicaUrlParser.parse(url);
    } catch (IllegalArgumentException e) {
      throw m.error("url", "\"" + ReplicaUrl.shown(url) + "\": " + e.getMessage());
    }
  }

  private static String type(YamlMapping m, ReplicaUrl url) throws ConfigException {
    String urlType =
        url == null
            ? null
            : url instanceof ReplicaUrl.File
                ? FileReplicaConfig.TYPE
                : url instanceof ReplicaUrl.S3 ? S3ReplicaConfig.TYPE : SftpReplicaConfig.TYPE;
    String type = nonEmpty(m.string("type"));
    if (type == null) {
      return urlType == null ? FileReplicaConfig.TYPE : urlType;
    }
    if (!List.of(FileReplicaConfig.TYPE, SftpReplicaConfig.TYPE, S3ReplicaConfig.TYPE)
        .contains(type)) {
      String refused = ReplicaUrlParser.unsupportedType(type);
      throw m.error(
          "type",
          refused != null
              ? refused
              : "unknown replica type \"" + type + "\" (expected file, sftp or s3)");
    }
    if (urlType != null && !urlType.equals(type)) {
      throw m.error(
          "type", "type " + type + " does not match the url, which is " + urlType + "://");
    }
    return type;
  }

  private Path filePath(YamlMapping m, ReplicaUrl url) throws ConfigException {
    if (url != null && m.has("path")) {
      throw m.keyError("path", "cannot be set together with url; use one of them");
    }
    String written = url != null ? ((ReplicaUrl.File) url).path() : nonEmpty(m.string("path"));
    if (written == null) {
      throw m.error("a file replica needs path: (a directory) or url: file:///directory");
    }
    try {
      return paths.expand(written);
    } catch (InvalidPathException e) {
      throw m.error(
          url != null ? "url" : "path",
          "\"" + written + "\" is not a valid path: " + e.getReason());
    }
  }

  private static ReplicaTiming timing(YamlMapping m) throws ConfigException {
    return new ReplicaTiming(
        notNegative(m, "retention", ReplicaTiming.DEFAULT_RETENTION, "0 keeps everything"),
        positive(m, "retention-check-interval", ReplicaTiming.DEFAULT_RETENTION_CHECK_INTERVAL),
        notNegative(m, "sync-interval", ReplicaTiming.DEFAULT_SYNC_INTERVAL, "0 uploads at once"),
        notNegative(
            m, "snapshot-interval", ReplicaTiming.DEFAULT_SNAPSHOT_INTERVAL, "0 turns it off"),
        notNegative(
            m, "validation-interval", ReplicaTiming.DEFAULT_VALIDATION_INTERVAL, "0 turns it off"));
  }

  static Duration notNegative(YamlMapping m, String key, Duration dflt, String zeroMeans)
      throws ConfigException {
    Duration d = m.duration(key, dflt);
    if (d.isNegative()) {
      throw m.error(
          key, "must not be negative, got " + GoDuration.format(d) + " (" + zeroMeans + ")");
    }
    return d;
  }

  static Duration positive(YamlMapping m, String key, Duration dflt) throws ConfigException {
    Duration d = m.duration(key, dflt);
    if (d.isNegative() || d.isZero()) {
      throw m.error(
          key,
          "must be more than 0, got "
              + GoDuration.format(d)
              + " (default "
              + GoDuration.format(dflt)
              + ")");
    }
    return d;
  }

  static String nonEmpty(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** Reads the SFTP connection settings of a replica. */
  private static final class SftpTargets {
    private SftpTargets() {}

    static SftpTarget read(YamlMapping m, ReplicaUrl url, PathExpander paths)
        throws ConfigException {
      ReplicaUrl.Sftp u = (ReplicaUrl.Sftp) url;
      if (u != null && m.has("path")) {
        throw m.keyError("path", "cannot be set together with url; use one of them");
      }
      if (u != null && m.has("host")) {
        throw m.keyError("host", "cannot be set together with url; use one of them");
      }
      HostPort hp = u != null ? new HostPort(u.host(), u.port()) : hostPort(m);
      String user = firstSet(nonEmpty(m.string("user")), u == null ? null : u.user());
      if (user == null) {
        throw m.error("an sftp replica needs user: (or a user in the url, sftp://user@host/path)");
      }
      String password = firstSet(nonEmpty(m.string("password")), u == null ? null : u.password());
      String path = firstSet(nonEmpty(m.string("path")), u == null ? "" : u.path());
      Path keyPath = existingFile(m, "key-path", paths);
      String passphrase = nonEmpty(m.string("key-passphrase"));
      if (passphrase != null && keyPath == null) {
        throw m.keyError(
            "key-passphrase",
            "is set but key-path is not; the passphrase unlocks the key-path file");
      }
      String hostKey = nonEmpty(m.string("host-key"));
      if (hostKey != null && HostKeyFormat.problem(hostKey) != null) {
        throw m.error("host-key", HostKeyFormat.problem(hostKey));
      }
      Path knownHosts = existingFile(m, "known-hosts", paths);
      if (hostKey != null && knownHosts != null) {
        throw m.keyError("known-hosts", "set host-key or known-hosts, not both");
      }
      return new SftpTarget(
          hp.host(), hp.port(), user, password, path, keyPath, passphrase, hostKey, knownHosts);
    }

    private static HostPort hostPort(YamlMapping m) throws ConfigException {
      String host = nonEmpty(m.string("host"));
      if (host == null) {
        throw m.error("an sftp replica needs host: (or url: sftp://user@host/path)");
      }
      try {
        return HostPort.parse(host, SftpTarget.DEFAULT_PORT);
      } catch (IllegalArgumentException e) {
        throw m.error("host", e.getMessage());
      }
    }

    private static Path existingFile(YamlMapping m, String key, PathExpander paths)
        throws ConfigException {
      String written = nonEmpty(m.string(key));
      if (written == null) {
        return null;
      }
      Path p;
      try {
        p = paths.expand(written);
      } catch (InvalidPathException e) {
        throw m.error(key, "\"" + written + "\" is not a valid path: " + e.getReason());
      }
      if (!Files.exists(p)) {
        throw m.error(key, "no such file: " + p);
      }
      if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
        throw m.error(key, p + " is not a readable file");
      }
      return p;
    }

    private static String firstSet(String a, String b) {
      return a != null ? a : b;
    }
  }
}
