package dev.walship.agent.config;

import dev.walship.agent.sftp.SftpTarget;
import java.util.Objects;

/**
 * A replica on an SFTP server ({@code url: sftp://…}, or {@code type: sftp} with {@code host},
 * {@code user}, …).
 *
 * @param name unique within its database; {@code sftp} by default
 * @param target where and as whom to connect, and how to know the server
 */
public record SftpReplicaConfig(String name, SftpTarget target, ReplicaTiming timing)
    implements ReplicaConfig {
  /** The type name, which is also the default replica name. */
  public static final String TYPE = "sftp";

  public SftpReplicaConfig {
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
