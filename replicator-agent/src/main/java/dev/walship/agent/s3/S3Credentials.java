package dev.walship.agent.s3;

/**
 * The keys an S3 replica signs with, and where they came from (for messages, which never show the
 * keys themselves). {@link #DEFAULT_CHAIN} means: none configured; the AWS SDK's default chain
 * looks for a shared credentials profile or an instance/container role.
 *
 * @param accessKeyId null for the default chain
 * @param secretAccessKey null for the default chain
 * @param sessionToken a temporary session token ({@code $AWS_SESSION_TOKEN}), or null
 * @param source where the keys were found, e.g. {@code $LITESTREAM_ACCESS_KEY_ID} or {@code
 *     access-key-id at litestream.yml:12}
 */
public record S3Credentials(
    String accessKeyId, String secretAccessKey, String sessionToken, String source) {
  /**
   * No keys configured: the SDK's default provider chain (profile, web identity, container,
   * instance role).
   */
  public static final S3Credentials DEFAULT_CHAIN =
      new S3Credentials(
          null, null, null, "the AWS default credential chain (shared profile or instance role)");

  public S3Credentials {
    if ((accessKeyId == null) != (secretAccessKey == null)) {
      throw new IllegalArgumentException(
          "S3 credentials need both an access key id and a secret access key");
    }
    if (source == null || source.isEmpty()) {
      throw new IllegalArgumentException("S3 credentials: source required");
    }
  }

  /** Static keys ({@code access-key-id}/{@code secret-access-key} or the environment). */
  public static S3Credentials of(
      String accessKeyId, String secretAccessKey, String sessionToken, String source) {
    return new S3Credentials(accessKeyId, secretAccessKey, sessionToken, source);
  }

  /** Whether the keys are given here (else the default chain finds them). */
  public boolean isStatic() {
    return accessKeyId != null;
  }

  /** Never the keys: only where they came from. */
  @Override
  public String toString() {
    return "S3Credentials[from " + source + "]";
  }
}
