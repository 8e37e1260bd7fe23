package dev.walship.agent.config;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the host of a {@code s3://host/path} URL says, read as Litestream v0.3.13's {@code
 * s3.ParseHost} reads it: {@code bucket.localhost:9000} is bucket {@code bucket} on {@code
 * http://localhost:9000}; the hosts of Backblaze B2, Filebase, DigitalOcean Spaces, Scaleway and
 * Linode name bucket, region and endpoint; any other host is the bucket itself, on AWS S3 (its
 * port, if any, is dropped). Provider hosts use path-style addressing, AWS virtual-hosted style.
 *
 * @param bucket may be empty ({@code s3://localhost:9000/x}): the caller then needs {@code bucket:}
 * @param region empty when the host does not say
 * @param endpoint {@code scheme://host[:port]}, or empty for AWS S3
 */
record S3Host(String bucket, String region, String endpoint, boolean forcePathStyle) {
  /** A provider's host pattern, and how its endpoint is made from the region. */
  private record Provider(Pattern pattern, String endpoint, boolean hasRegion) {}

  private static final Pattern LOCALHOST = Pattern.compile("^(?:(.+)\\.)?localhost$");
  private static final List<Provider> PROVIDERS =
      List.of(
          new Provider(
              Pattern.compile("^(?:(.+)\\.)?s3.([^.]+)\\.backblazeb2.com$"),
              "s3.%s.backblazeb2.com",
              true),
          new Provider(Pattern.compile("^(?:(.+)\\.)?s3.filebase.com$"), "s3.filebase.com", false),
          new Provider(
              Pattern.compile("^(?:(.+)\\.)?([^.]+)\\.digitaloceanspaces.com$"),
              "%s.digitaloceanspaces.com",
              true),
          new Provider(
              Pattern.compile("^(?:(.+)\\.)?s3.([^.]+)\\.scw\\.cloud$"), "s3.%s.scw.cloud", true),
          new Provider(
              Pattern.compile("^(?:(.+)\\.)?([^.]+)\\.linodeobjects.com$"),
              "%s.linodeobjects.com",
              true));

  static S3Host parse(String hostPort) {
    String host = hostPort;
    String port = "";
    int colon = hostPort.lastIndexOf(':');
    if (colon >= 0 && hostPort.indexOf(':') == colon) {
      host = hostPort.substring(0, colon);
      port = hostPort.substring(colon + 1);
    }
    Matcher m = LOCALHOST.matcher(host);
    if (m.matches()) {
      return new S3Host(group(m, 1), "us-east-1", endpoint("http", "localhost", port), true);
    }
    for (Provider p : PROVIDERS) {
      m = p.pattern().matcher(host);
      if (m.matches()) {
        String region = p.hasRegion() ? m.group(2) : "";
        String name =
            p.hasRegion() ? String.format(Locale.ROOT, p.endpoint(), region) : p.endpoint();
        return new S3Host(group(m, 1), region, endpoint("https", name, port), true);
      }
    }
    return new S3Host(host, "", "", false);
  }

  private static String endpoint(String scheme, String host, String port) {
    return scheme + "://" + host + (port.isEmpty() ? "" : ":" + port);
  }

  private static String group(Matcher m, int i) {
    return m.group(i) == null ? "" : m.group(i);
  }
}
