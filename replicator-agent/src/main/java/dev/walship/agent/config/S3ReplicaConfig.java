package dev.walship.agent.config;

import dev.walship.agent.s3.S3Target;
import java.util.Objects;

/**
 * A replica in an S3 bucket ({@code url: s3://bucket/path}, or {@code type: s3} with {@code
 * bucket}, {@code path}, {@code endpoint}, …).
 *
 * @param name unique within its database; {@code s3} by default
 * @param target bucket, path, server and credentials
 */
public record S3ReplicaConfig(String name, S3Target target, ReplicaTiming timing)
    implements ReplicaConfig {
  /** The type name, which is also the default replica name. */
  public static final String TYPE = "s3";

  public S3ReplicaConfig {
    ReplicaConfig.requireName(name);
    Objects.requireNonNull(target);
    Objects.requireNonNull(timing);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String location() {
    return target.location();
  }
}
