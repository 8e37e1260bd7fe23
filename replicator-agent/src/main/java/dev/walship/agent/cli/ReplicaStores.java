package dev.walship.agent.cli;

import dev.walship.agent.config.FileReplicaConfig;
import dev.walship.agent.config.ReplicaConfig;
import dev.walship.agent.config.SftpReplicaConfig;
import dev.walship.agent.sftp.SftpReplicaStore;
import dev.walship.format.store.FileReplicaStore;
import dev.walship.format.store.ReplicaStore;
import java.io.IOException;

/** Opens the store a replica's config points at. */
public final class ReplicaStores {
  private ReplicaStores() {}

  public static ReplicaStore open(ReplicaConfig replica) throws IOException {
    if (replica instanceof FileReplicaConfig f) {
      return new FileReplicaStore(f.path());
    }
    return SftpReplicaStore.open(((SftpReplicaConfig) replica).target());
  }
}
