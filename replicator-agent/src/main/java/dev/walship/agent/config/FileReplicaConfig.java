package dev.walship.agent.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A replica in a local directory ({@code path:}, {@code url: file:///…}).
 *
 * @param name unique within its database; {@code file} by default
 * @param path the replica root, absolute
 */
public record FileReplicaConfig(String name, Path path, ReplicaTiming timing)
    implements ReplicaConfig {
  /** The type name, which is also the default replica name. */
  public static final String TYPE = "file";

  public FileReplicaConfig {
    ReplicaConfig.requireName(name);
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException("file replica path must be absolute: " + path);
    }
    Objects.requireNonNull(timing);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String location() {
    return path.toString();
  }
}
