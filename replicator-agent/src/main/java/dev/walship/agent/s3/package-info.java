/**
 * The S3 replica store: {@link dev.walship.agent.s3.S3ReplicaStore} on AWS S3 or any S3-compatible
 * server (MinIO, Ceph RGW, Garage, Backblaze B2, Cloudflare R2), through the AWS SDK for Java v2
 * with the JDK's HTTP client. It owns the object keys ({@code S3Keys}, Go's {@code path.Join} as
 * Litestream v0.3.13 builds them), atomic single and multipart uploads ({@code S3Upload}), the
 * ordering of generations by the server's clock ({@code ServerClock}), and error messages without
 * credentials ({@code S3Errors}). {@link dev.walship.agent.s3.S3Target} is its input, built by the
 * config from a {@code s3://bucket/path} URL or {@code type: s3} keys.
 */
package dev.walship.agent.s3;
