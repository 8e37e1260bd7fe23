package dev.walship.agent.config;

import dev.walship.agent.age.AgeKeys;
import java.util.Optional;

/**
 * One replica of a database: where it lives and its timing. Its {@link #name()} is unique within
 * the database and defaults to its {@link #type()} as in Litestream. Its store is opened by {@code
 * dev.walship.agent.store.ReplicaStores}.
 */
public sealed interface ReplicaConfig
    permits FileReplicaConfig, SftpReplicaConfig, S3ReplicaConfig, AgeReplicaConfig {
  /** The name {@code -replica} selects and logs show. */
  String name();

  /** {@code file}, {@code sftp} or {@code s3}. */
  String type();

  /**
   * Where it lives, for messages: a local path or {@code sftp://user@host:port/path}, no secrets.
   */
  String location();

  ReplicaTiming timing();

  /**
   * The age keys its files are encrypted with, when {@code age:} is set ({@link AgeReplicaConfig}).
   */
  default Optional<AgeKeys> age() {
    return Optional.empty();
  }

  /** Checks a replica's name as every replica type's constructor must: present and not empty. */
  static void requireName(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("replica name required");
    }
  }
}
