package dev.walship.agent.config;

import dev.walship.agent.s3.S3Credentials;
import dev.walship.agent.s3.S3Target;
import dev.walship.toolkit.config.ConfigException;
import dev.walship.toolkit.config.YamlMapping;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the S3 settings of one replica ({@code type: s3} or an {@code s3://} URL) with Litestream
 * v0.3.13's rules: {@code url} excludes {@code path} and {@code bucket}; URL parts fill only what
 * the keys leave unset; an {@code endpoint} means path-style addressing unless {@code
 * force-path-style} says otherwise (and a provider URL turns it on regardless, as in Litestream);
 * {@code bucket} is required. An endpoint without a scheme is {@code https://}, as the AWS SDK for
 * Go reads it.
 *
 * <p>Credentials, first found wins for each key: the replica's {@code access-key-id}/{@code
 * secret-access-key}, the file's top-level ones, then {@code $AWS_ACCESS_KEY_ID}/{@code
 * $AWS_SECRET_ACCESS_KEY} (each taken from {@code $LITESTREAM_…} when unset), then the AWS SDK's
 * default chain (profile, instance role). Half a key pair is an error, not a silent fallback.
 */
final class S3ReplicaParser {
  static final List<String> KEYS =
      List.of(
          "bucket",
          "region",
          "endpoint",
          "access-key-id",
          "secret-access-key",
          "force-path-style",
          "skip-verify");

  /**
   * The file's top-level {@code access-key-id}/{@code secret-access-key}, with where each was set.
   * Null values: not set.
   */
  record TopCredentials(String accessKeyId, String accessKeyIdPlace, String secretAccessKey) {
    static final TopCredentials NONE = new TopCredentials(null, null, null);
  }

  private final Map<String, String> env;
  private final TopCredentials top;

  S3ReplicaParser(Map<String, String> env, TopCredentials top) {
    this.env = Map.copyOf(env);
    this.top = top;
  }

  S3Target read(YamlMapping m, ReplicaUrl.S3 url) throws ConfigException {
    if (url != null) {
      for (String k : List.of("path", "bucket")) {
        if (m.has(k)) {
          throw m.keyError(k, "cannot be set together with url; use one of them");
        }
      }
    }
    S3Host host = url == null ? new S3Host("", "", "", false) : S3Host.parse(url.host());
    String bucket = first(ReplicaParser.nonEmpty(m.string("bucket")), host.bucket());
    if (bucket == null) {
      throw m.error("an s3 replica needs bucket: (or url: s3://bucket/path)");
    }
    checkBucket(m, bucket);
    String path = url != null ? url.path() : first(ReplicaParser.nonEmpty(m.string("path")), "");
    String region = first(ReplicaParser.nonEmpty(m.string("region")), host.region());
    String endpointText = first(ReplicaParser.nonEmpty(m.string("endpoint")), host.endpoint());
    boolean endpointKey = ReplicaParser.nonEmpty(m.string("endpoint")) != null;
    boolean pathStyle = m.bool("force-path-style", endpointKey) || host.forcePathStyle();
    URI endpoint = endpointText == null ? null : endpoint(m, endpointText);
    return new S3Target(
        bucket, path, region, endpoint, pathStyle, m.bool("skip-verify", false), credentials(m));
  }

  /** A replica given as a URL on the command line: credentials from the environment. */
  S3Target fromUrl(ReplicaUrl.S3 url) throws ConfigException {
    S3Host host = S3Host.parse(url.host());
    if (host.bucket().isEmpty()) {
      throw new ConfigException("replica URL s3://" + url.host() + ": names no bucket");
    }
    URI endpoint = host.endpoint().isEmpty() ? null : URI.create(host.endpoint());
    String region = host.region().isEmpty() ? null : host.region();
    return new S3Target(
        host.bucket(), url.path(), region, endpoint, host.forcePathStyle(), false, fromEnv(null));
  }

  private static void checkBucket(YamlMapping m, String bucket) throws ConfigException {
    for (int i = 0; i < bucket.length(); i++) {
      char c = bucket.charAt(i);
      if (c == '/' || c <= 0x20 || c == 0x7f) {
        throw m.error(
            m.has("bucket") ? "bucket" : "url",
            "\""
                + bucket
                + "\" is not a bucket name (no slashes, spaces or control characters; the path goes under path:)");
      }
    }
  }

  private static URI endpoint(YamlMapping m, String text) throws ConfigException {
    String key = m.has("endpoint") ? "endpoint" : "url";
    String withScheme = text.contains("://") ? text : "https://" + text;
    try {
      URI u = new URI(withScheme);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw m.error(key, "\"" + text + "\" is not an http:// or https:// endpoint");
      }
      if (u.getHost() == null || u.getRawUserInfo() != null) {
        throw m.error(
            key,
            "\""
                + text
                + "\" has no host name (expected e.g. http://minio:9000 or s3.example.com)");
      }
      return u;
    } catch (URISyntaxException e) {
      throw m.error(key, "\"" + text + "\" is not a URL: " + e.getReason());
    }
  }

  private S3Credentials credentials(YamlMapping m) throws ConfigException {
    String id = ReplicaParser.nonEmpty(m.string("access-key-id"));
    String idPlace = id == null ? null : m.place("access-key-id");
    String secret = ReplicaParser.nonEmpty(m.string("secret-access-key"));
    if (id == null) {
      id = top.accessKeyId();
      idPlace = top.accessKeyIdPlace();
    }
    if (secret == null) {
      secret = top.secretAccessKey();
    }
    if (id != null && secret == null) {
      throw m.error("access-key-id is set (" + idPlace + ") but secret-access-key is not");
    }
    if (id == null && secret != null) {
      throw m.error("secret-access-key is set but access-key-id is not");
    }
    return id != null
        ? S3Credentials.of(id, secret, null, "access-key-id at " + idPlace)
        : fromEnv(m);
  }

  /** Keys from the environment, as Litestream copies {@code LITESTREAM_*} to {@code AWS_*}. */
  private S3Credentials fromEnv(YamlMapping m) throws ConfigException {
    String idVar =
        env.containsKey("AWS_ACCESS_KEY_ID") ? "AWS_ACCESS_KEY_ID" : "LITESTREAM_ACCESS_KEY_ID";
    String secretVar =
        env.containsKey("AWS_SECRET_ACCESS_KEY")
            ? "AWS_SECRET_ACCESS_KEY"
            : "LITESTREAM_SECRET_ACCESS_KEY";
    String id = ReplicaParser.nonEmpty(env.get(idVar));
    String secret = ReplicaParser.nonEmpty(env.get(secretVar));
    if (id == null && secret == null) {
      return S3Credentials.DEFAULT_CHAIN;
    }
    if (id == null || secret == null) {
      String problem =
          "$"
              + (id == null ? secretVar : idVar)
              + " is set but $"
              + (id == null ? idVar : secretVar)
              + " is not (S3 needs both)";
      throw m == null ? new ConfigException(problem) : m.error(problem);
    }
    return S3Credentials.of(
        id, secret, ReplicaParser.nonEmpty(env.get("AWS_SESSION_TOKEN")), "$" + idVar);
  }

  private static String first(String a, String b) {
    return a != null ? a : b == null || b.isEmpty() ? null : b;
  }
}
