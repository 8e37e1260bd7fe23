package dev.walship.agent.config;

import dev.walship.format.store.ReplicaStore;
import java.io.IOException;

/**
 * One replica of a database: where it lives and its timing. Its {@link #name()} is unique within
 * the database and defaults to its {@link #type()} as in Litestream.
 */
public sealed interface ReplicaConfig permits FileReplicaConfig, SftpReplicaConfig {
  /** The name {@code -replica} selects and logs show. */
  String name();

  /** {@code file} or {@code sftp}. */
  String type();

  /** Where it lives, for messages: a local path or {@code sftp://user@host:port/path}, no secrets. */
  String location();

  ReplicaTiming timing();

  /** Opens the store this replica lives in ({@code file://}: a directory; {@code sftp://}: a server). */
  ReplicaStore openStore() throws IOException;
}
