package dev.walship.agent.config;

import dev.walship.agent.age.AgeKeys;
import dev.walship.format.store.ReplicaStore;
import java.io.IOException;
import java.util.Optional;

/**
 * One replica of a database: where it lives and its timing. Its {@link #name()} is unique within
 * the database and defaults to its {@link #type()} as in Litestream.
 */
public sealed interface ReplicaConfig
    permits FileReplicaConfig, SftpReplicaConfig, S3ReplicaConfig, AgeReplicaConfig {
  /** The name {@code -replica} selects and logs show. */
  String name();

  /** {@code file}, {@code sftp} or {@code s3}. */
  String type();

  /** Where it lives, for messages: a local path or {@code sftp://user@host:port/path}, no secrets. */
  String location();

  ReplicaTiming timing();

  /** The age keys its files are encrypted with, when {@code age:} is set ({@link AgeReplicaConfig}). */
  default Optional<AgeKeys> age() {
    return Optional.empty();
  }

  /**
   * Opens the store this replica lives in ({@code file://}: a directory; {@code sftp://}: a
   * server; {@code s3://}: a bucket; age-encrypting when {@code age:} is set).
   */
  ReplicaStore openStore() throws IOException;
}
