package dev.walship.agent.s3;

import java.net.URI;
import java.util.Objects;

/**
 * Where an S3 replica lives and how to reach it, as a {@code s3://bucket/path} URL and the
 * replica's keys ({@code bucket}, {@code path}, {@code region}, {@code endpoint}, {@code
 * force-path-style}, {@code skip-verify}, {@code access-key-id}, {@code secret-access-key}) resolve
 * with Litestream v0.3.13's rules (the config does the resolving).
 *
 * @param bucket the bucket name
 * @param root the replica's path inside the bucket as configured ("" for the bucket's top)
 * @param region the signing region, or null: {@code us-east-1} with an endpoint, else asked of AWS
 *     ({@code GetBucketLocation}), as Litestream does
 * @param endpoint an S3-compatible server ({@code https://minio:9000}), or null for AWS S3
 * @param forcePathStyle {@code https://host/bucket/key} instead of {@code https://bucket.host/key}
 * @param skipVerify accept any TLS certificate (self-signed test servers only)
 * @param credentials the keys, or {@link S3Credentials#DEFAULT_CHAIN}
 */
public record S3Target(
    String bucket,
    String root,
    String region,
    URI endpoint,
    boolean forcePathStyle,
    boolean skipVerify,
    S3Credentials credentials) {

  /** The region Litestream signs with when an endpoint is set and no region is. */
  public static final String DEFAULT_REGION = "us-east-1";

  public S3Target {
    if (bucket == null || bucket.isEmpty()) {
      throw new IllegalArgumentException("s3 replica: bucket required");
    }
    root = root == null ? "" : root;
    Objects.requireNonNull(credentials, "credentials");
    if (endpoint != null && (endpoint.getScheme() == null || endpoint.getHost() == null)) {
      throw new IllegalArgumentException(
          "s3 replica: endpoint needs a scheme and a host: " + endpoint);
    }
  }

  /** {@code s3://bucket/path}, for messages; never credentials. */
  public String location() {
    String p = S3Keys.clean(root);
    p = p.equals(".") ? "" : p.startsWith("/") ? p : "/" + p;
    return "s3://" + bucket + p;
  }

  /** Where requests go: the endpoint, or AWS S3. */
  public String server() {
    return endpoint != null ? endpoint.toString() : "AWS S3";
  }

  @Override
  public String toString() {
    return location() + " (" + server() + ", credentials from " + credentials.source() + ")";
  }
}
